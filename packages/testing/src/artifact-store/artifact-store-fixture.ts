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

/**
 * What a contract run needs: a store on an empty root, and how to dispose of it. The optional
 * hooks enable the cases that need them; without one, its cases are skipped with a reason that
 * names it.
 */
export interface ArtifactStoreContractFixture {
  store: ArtifactStore;
  cleanup(): Promise<void>;
  symbolicLinks?: ArtifactStoreSymbolicLinks;
  /**
   * Values that must never appear in an error message (the configured secrets: keys, tokens, JSON
   * keys), those of {@link withWrongCredentials}'s store included. Each at least 4 characters.
   */
  secrets?: readonly string[];
  /** A store on the same root whose credentials the server refuses (S3: a wrong secret → 403). */
  withWrongCredentials?(): Promise<ArtifactStore>;
  /** A store whose root is in a bucket that does not exist (its path is `scheme://bucket[/prefix]`). */
  withMissingBucket?(): Promise<ArtifactStore>;
  /**
   * Unfinished uploads under the store's root as the SERVER lists them (S3: ListMultipartUploads keys).
   * Stores whose backend has nothing to list return [] and say why in the test file.
   */
  listPendingUploads?(): Promise<string[]>;
}

/** Options of {@link describeArtifactStoreContract}. */
export interface ArtifactStoreContractOptions {
  /**
   * Size of the streamed file of the streaming test, and of the data written into an upload before
   * it is destroyed (default 8 MiB). Above the store's multipart part size, a multipart upload is
   * under way when the upload is destroyed.
   */
  streamBytes?: number;
  /** Per-test timeout in ms (default 30 s); the many-key and big-stream cases get more (see the suite's docs). */
  timeout?: number;
  /** Size of the big streamed write and read-back, sha256 compared (default 100 MiB). */
  largeStreamBytes?: number;
  /** Largest growth of the test process's RSS allowed during the big stream (default 96 MiB). */
  largeStreamRssBound?: number;
  /** Files written under one prefix for the listing cases past 1,000 keys (default 1001). */
  manyKeys?: number;
}
