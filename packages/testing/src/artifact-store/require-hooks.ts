import type { TestContext } from "vitest";
import type { ArtifactStoreContractFixture } from "./artifact-store-fixture.js";
import type { ContractContext } from "./contract-context.js";

type OptionalHook = Exclude<keyof ArtifactStoreContractFixture, "store" | "cleanup">;

const HOOK_PURPOSES: Record<OptionalHook, string> = {
  symbolicLinks: "symbolic links in the store's backend",
  secrets: "the configured secrets to look for in error messages",
  withWrongCredentials: "a store whose credentials the server refuses",
  withMissingBucket: "a store whose bucket does not exist",
  listPendingUploads: "the unfinished uploads the server lists under the root",
};

/**
 * The running test's fixture, with `hooks` present; when one is missing, the test is skipped with
 * a `meta.skipReason` that names it (docs/testing.md: the JSON report keeps `meta`, not skip notes).
 */
export function requireHooks<THook extends OptionalHook>(
  context: ContractContext,
  test: TestContext,
  ...hooks: THook[]
): ArtifactStoreContractFixture & Required<Pick<ArtifactStoreContractFixture, THook>> {
  const { fixture } = context;
  const missing = hooks.find((hook) => fixture[hook] === undefined);
  if (missing !== undefined) {
    test.task.meta.skipReason = `${context.storeName}: its fixture gives no \`${missing}\` (${HOOK_PURPOSES[missing]})`;
    return test.skip(test.task.meta.skipReason);
  }
  return fixture as ArtifactStoreContractFixture & Required<Pick<ArtifactStoreContractFixture, THook>>;
}
