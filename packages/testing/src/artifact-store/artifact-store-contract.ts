import type { ArtifactStore } from "@flavorstack/core/plugin";
import { afterEach, beforeEach, describe } from "vitest";
import type { ContractContext } from "./contract-context.js";
import { describeFilesContract } from "./files-contract.js";
import { describePathsContract } from "./paths-contract.js";
import { describeReadWriteContract } from "./read-write-contract.js";
import { describeSymbolicLinksContract } from "./symbolic-links-contract.js";
import { describeWalkGlobContract } from "./walk-glob-contract.js";

/**
 * Symbolic links in the store's backend, for stores that have them (a local folder). Without
 * them, the symbolic-link cases are skipped, each with its reason.
 */
export interface ArtifactStoreSymbolicLinks {
  /** Creates a symbolic link at `link` (a path relative to the store's root) pointing to `target` as given. */
  create(link: string, target: string): Promise<void>;
  /**
   * An existing, empty directory outside the store's root, on the same file system, that the
   * fixture's `cleanup` removes. The suite puts a file in it and checks that the store never
   * reads or writes there.
   */
  outsideDir: string;
}

/** What a contract run needs: a store on an empty root, and how to dispose of it. */
export interface ArtifactStoreContractFixture {
  store: ArtifactStore;
  cleanup(): Promise<void>;
  symbolicLinks?: ArtifactStoreSymbolicLinks;
}

/** Options of {@link describeArtifactStoreContract}. */
export interface ArtifactStoreContractOptions {
  /** Size of the streamed file of the streaming test (default 8 MiB). */
  streamBytes?: number;
  /** Per-test timeout in ms (default 30 s). */
  timeout?: number;
}

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
