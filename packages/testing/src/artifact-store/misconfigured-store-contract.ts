import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type ArtifactStore, ArtifactStoreError } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import { type ContractContext, rejectionOf } from "./contract-context.js";
import { expectNoSecrets } from "./expect-no-secrets.js";
import { requireHooks } from "./require-hooks.js";

type Operation = readonly [name: string, attempt: (store: ArtifactStore) => Promise<unknown>];

/** What a misconfigured store is asked to do; `existing.txt` was written through the well-configured store. */
const OPERATIONS: readonly Operation[] = [
  ["writeFile", (store) => store.writeFile("denied.txt", "denied")],
  [
    "a streamed write",
    async (store) => pipeline(Readable.from([Buffer.from("denied")]), await store.openWrite("s.txt")),
  ],
  ["readFile", (store) => store.readFile("existing.txt")],
  ["listdir", (store) => store.listdir("")],
];
/**
 * HEAD requests on S3: their answer has no body, so there a missing bucket looks like a missing key (false, not
 * an error); refused credentials (403) must still fail.
 */
const METADATA_OPERATIONS: readonly Operation[] = [
  ["exists", (store) => store.exists("existing.txt")],
  ["stat", (store) => store.stat("existing.txt")],
];

/** The bucket of a `scheme://bucket[/prefix]` root. */
function bucketOf(root: string): string {
  const match = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/]+)/.exec(root);
  if (match?.[1] === undefined) {
    throw new Error(
      `The store of \`withMissingBucket\` has the root \`${root}\`: give one of the form scheme://bucket[/prefix].`,
    );
  }
  return match[1];
}

/**
 * Stores the server refuses: wrong credentials, a bucket that does not exist. Each operation fails
 * with an ArtifactStoreError that says what is wrong and what to do, and shows no secret.
 */
export function describeMisconfiguredStoreContract(context: ContractContext): void {
  async function errorsOf(store: ArtifactStore, operations: readonly Operation[]): Promise<[string, Error][]> {
    await context.store.writeFile("existing.txt", "existing");
    const errors: [string, Error][] = [];
    for (const [name, attempt] of operations) {
      const error = await rejectionOf(() => attempt(store));
      expect(error, `${name} was not refused`).toBeInstanceOf(ArtifactStoreError);
      errors.push([name, error as Error]);
    }
    return errors;
  }

  describe("misconfigured stores", () => {
    it("refuses wrong credentials with an error naming the store and the credentials", async (test) => {
      const fixture = requireHooks(context, test, "withWrongCredentials");
      const wrong = await fixture.withWrongCredentials();
      for (const [name, error] of await errorsOf(wrong, [...OPERATIONS, ...METADATA_OPERATIONS])) {
        expect(error.message, name).toContain(wrong.path);
        expect(error.message, name).toMatch(/credentials/i);
      }
      expect(await context.store.exists("denied.txt")).toBe(false);
      expect(await context.store.exists("s.txt")).toBe(false);
    });

    it("shows no secret in the errors of wrong credentials", async (test) => {
      const fixture = requireHooks(context, test, "withWrongCredentials", "secrets");
      const wrong = await fixture.withWrongCredentials();
      for (const [, error] of await errorsOf(wrong, [...OPERATIONS, ...METADATA_OPERATIONS])) {
        expectNoSecrets(error, fixture.secrets);
      }
    });

    it("refuses a missing bucket with an error naming it and saying to create it", async (test) => {
      const fixture = requireHooks(context, test, "withMissingBucket");
      const missing = await fixture.withMissingBucket();
      const bucket = bucketOf(missing.path);
      for (const [name, error] of await errorsOf(missing, OPERATIONS)) {
        expect(error.message, name).toContain(bucket);
        expect(error.message, name).toMatch(/does not exist/i);
        expect(error.message, name).toMatch(/create/i);
      }
    });

    it("shows no secret in the errors of a missing bucket", async (test) => {
      const fixture = requireHooks(context, test, "withMissingBucket", "secrets");
      const missing = await fixture.withMissingBucket();
      for (const [, error] of await errorsOf(missing, OPERATIONS)) expectNoSecrets(error, fixture.secrets);
    });
  });
}
