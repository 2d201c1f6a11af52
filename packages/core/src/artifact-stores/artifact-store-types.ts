/** The config every artifact store has: its root. Flavors extend it. */
export interface ArtifactStoreConfig {
  path: string;
}

/** Modes accepted by {@link ArtifactStore.open}. Text and binary are the same: streams carry bytes. */
export type ArtifactStoreOpenMode = "r" | "rb" | "w" | "wb";

/** What {@link ArtifactStore.stat} reports about a file or directory. */
export interface ArtifactStoreStat {
  /** The resolved (absolute) path. */
  path: string;
  /** Size in bytes; 0 for directories. */
  size: number;
  isDirectory: boolean;
  /** Last modification time, when the store knows it. */
  modifiedAt?: Date;
}

/** One step of {@link ArtifactStore.walk}: a directory, its subdirectory names and its file names. */
export type ArtifactStoreWalkEntry = [dir: string, dirs: string[], files: string[]];

/** Options of {@link ArtifactStore.rename} and {@link ArtifactStore.copyfile}. */
export interface ArtifactStoreOverwriteOptions {
  /** Replace an existing destination file. Default `false`: an existing destination is an error. */
  overwrite?: boolean;
}

/** Options of {@link ArtifactStore.walk}. */
export interface ArtifactStoreWalkOptions {
  /**
   * `true` (default): a directory is reported before its subdirectories, and a caller may remove
   * names from the yielded `dirs` array to skip those subtrees (as with Python's `os.walk`).
   * `false`: a directory is reported after all its subdirectories.
   */
  topdown?: boolean;
}

/** Options every store passes to the {@link ArtifactStore} constructor. */
export interface ArtifactStoreOptions {
  /**
   * Path prefixes the store accepts, e.g. `["s3://"]`. `""` means "a local path without any
   * `xx://` prefix" (the local store).
   */
  supportedSchemes: readonly string[];
  /** Name used in messages; defaults to the class name. */
  storeName?: string;
  /** The root to use instead of `config.path` (e.g. the local store's default folder for an empty path). */
  root?: string;
}
