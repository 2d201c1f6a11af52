import type { ArtifactStore } from "@flavorstack/core/plugin";

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
