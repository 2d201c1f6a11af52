import { afterEach, beforeEach, describe } from "vitest";
import type {
  ArtifactStoreContractFixture,
  ArtifactStoreContractOptions,
  ArtifactStoreSymbolicLinks,
} from "./artifact-store-fixture.js";
import type { ContractContext } from "./contract-context.js";
import { describeFilesContract } from "./files-contract.js";
import { describePathsContract } from "./paths-contract.js";
import { describeReadWriteContract } from "./read-write-contract.js";
import { describeSymbolicLinksContract } from "./symbolic-links-contract.js";
import { describeWalkGlobContract } from "./walk-glob-contract.js";

/**
 * The behaviour every `ArtifactStore` must have, as a vitest suite. `setup` is called before
 * each test and must give a store whose root is empty (it need not exist yet); `cleanup` is called
 * after each test. Only files create directories here, so stores without real directories
 * (S3, GCS) pass as well.
 *
 * ```ts
 * describeArtifactStoreContract("LocalArtifactStore", async () => {
 *   const dir = await mkdtemp(join(tmpdir(), "store-"));
 *   const store = await LocalArtifactStoreFlavor.createComponent({ name: "local", config: { path: join(dir, "root") } });
 *   return { store, cleanup: () => rm(dir, { recursive: true }) };
 * });
 * ```
 */
export function describeArtifactStoreContract(
  name: string,
  setup: () => Promise<ArtifactStoreContractFixture>,
  options: ArtifactStoreContractOptions = {},
): void {
  const streamBytes = options.streamBytes ?? 8 * 1024 * 1024;
  const timeout = options.timeout ?? 30_000;

  describe(`ArtifactStore contract: ${name}`, { timeout }, () => {
    let fixture: ArtifactStoreContractFixture | undefined;
    const current = (): ArtifactStoreContractFixture => {
      if (fixture === undefined) throw new Error("The contract's fixture is set up before each test.");
      return fixture;
    };
    const context: ContractContext & { readonly symbolicLinks: ArtifactStoreSymbolicLinks | undefined } = {
      get store() {
        return current().store;
      },
      get symbolicLinks() {
        return current().symbolicLinks;
      },
      async writeTree() {
        const { store } = current();
        await store.writeFile("a.txt", "a");
        await store.writeFile("d/b.txt", "b");
        await store.writeFile("d/e/c.txt", "c");
        await store.writeFile("d/f/g.txt", "g");
      },
    };

    beforeEach(async () => {
      fixture = await setup();
    });

    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    describePathsContract(context);
    describeReadWriteContract(context, streamBytes);
    describeFilesContract(context);
    describeWalkGlobContract(context);
    describeSymbolicLinksContract(context, name);
  });
}
