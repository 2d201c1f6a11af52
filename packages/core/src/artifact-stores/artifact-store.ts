import type { Readable, Writable } from "node:stream";
import { ArtifactStoreError } from "../errors.js";
import { StackComponent, type StackComponentInit } from "../stack/stack-component.js";
import {
  alreadyExistsError,
  directoryDestinationError,
  isNotFoundError,
  notFoundError,
  operationError,
  outOfBoundsError,
} from "./artifact-store-errors.js";
import type {
  ArtifactStoreConfig,
  ArtifactStoreOpenMode,
  ArtifactStoreOptions,
  ArtifactStoreOverwriteOptions,
  ArtifactStoreStat,
  ArtifactStoreWalkEntry,
  ArtifactStoreWalkOptions,
} from "./artifact-store-types.js";
import { globByWalking } from "./glob.js";
import { compareNames, StorePaths } from "./store-paths.js";

declare module "../stack/stack-component.js" {
  interface StackComponentsByType {
    artifact_store: ArtifactStore;
  }
}

/**
 * A store of files under one root: a local directory, an S3 prefix, a GCS prefix...
 *
 * ## For users
 * Every method takes paths that are either absolute inside the root (`/data/store/a.txt`,
 * `s3://bucket/prefix/a.txt`) or relative to it (`a.txt`). Paths are normalised (`.`/`..`
 * resolved) and anything outside the root is refused with an {@link ArtifactStoreError}, as is
 * any failure of the underlying storage (the original error is kept as `cause`).
 *
 * ## For plugin authors (template method)
 * The public methods are implemented here, once: they resolve and bounds-check every path,
 * sort listings, refuse to overwrite unless asked, and translate errors. They then call the
 * protected `do*` hooks, which a store implements:
 *
 * - hooks receive **resolved, bounds-checked, absolute** paths (`this.path` or below it) and
 *   must not call the public methods with them again (call other hooks instead);
 * - where a path can leave the root other than lexically (symbolic links), override
 *   {@link checkLocation}: every public method awaits it before any hook runs;
 * - hooks may throw their native errors: an error for which {@link isNotFoundError} is true
 *   becomes "File `x` does not exist ...", any other becomes an {@link ArtifactStoreError}
 *   naming the operation and path, with the error as `cause`. Throw an ArtifactStoreError
 *   yourself (e.g. {@link alreadyExistsError}) for a more precise message;
 * - `doOpenWrite` must make the data visible only once the stream has finished (temp + rename,
 *   multipart upload completed in `final`), create missing parent directories, and leave nothing
 *   behind when the stream is destroyed or fails;
 * - `doWalk`, `doGlob` and `doSize` have default implementations built on the other hooks;
 *   override them when the backend can do better (e.g. one recursive listing).
 *
 * Pass `supportedSchemes` to the constructor: the root is checked against them with ZenML's
 * message. Paths of stores whose schemes include `""` are handled with `node:path`; all others
 * as `scheme + posix path`.
 */
export abstract class ArtifactStore<
  TConfig extends ArtifactStoreConfig = ArtifactStoreConfig,
> extends StackComponent<TConfig> {
  readonly type = "artifact_store" as const;
  /** The root: `/data/store`, `s3://bucket/prefix` (normalised, no trailing slash). */
  readonly path: string;
  /** Path prefixes this store accepts, e.g. `["s3://"]`; `[""]` for local paths. */
  readonly supportedSchemes: readonly string[];
  /** The name used in messages (class or flavor name). */
  readonly storeName: string;

  readonly #paths: StorePaths;

  /**
   * @param init the component's identity and config (`config.path` is the root)
   * @param options the schemes the store supports, checked against the root with ZenML's message
   * @throws ConfigError when the root is empty or has an unsupported scheme
   */
  protected constructor(init: StackComponentInit<TConfig>, options: ArtifactStoreOptions) {
    super(init);
    this.supportedSchemes = Object.freeze([...options.supportedSchemes]);
    this.storeName = options.storeName ?? new.target.name;
    this.#paths = new StorePaths(options.root ?? init.config.path, this.supportedSchemes, this.storeName);
    this.path = this.#paths.root;
  }

  /** True for stores on this machine's file system (those whose schemes include `""`). */
  override get isLocal(): boolean {
    return this.#paths.local;
  }

  /**
   * Environment variables that point the standard SDK clients in a container (kaniko's AWS or Google client) at this
   * store as it is configured: a custom endpoint, path-style addressing, the region. Never credentials: those reach a
   * container through its own env, secrets or service account. Default: none.
   */
  containerEnvironment(): Record<string, string> {
    return {};
  }

  // ---------------------------------------------------------------- paths

  /**
   * The absolute, normalised form of `path` (absolute inside the root, or relative to it).
   * @throws ArtifactStoreError when the path is outside the root (`../x`, `/other`, `/root2`).
   */
  resolve(path: string): string {
    const resolved = this.#paths.tryResolve(path);
    if (resolved === undefined) throw this.outOfBoundsError(path);
    return resolved;
  }

  /** Joins `parts` relative to the root and resolves the result (bounds-checked). */
  join(...parts: string[]): string {
    return this.resolve(this.#paths.join(parts));
  }

  /** Whether `path` resolves inside the root. Never throws. */
  contains(path: string): boolean {
    return this.#paths.tryResolve(path) !== undefined;
  }

  /** `path` relative to the root, `/`-separated (`""` for the root itself). */
  relative(path: string): string {
    return this.#paths.relativeOf(this.resolve(path));
  }

  /**
   * A further check of a resolved path before any hook sees it, for backends on which a path can
   * lead out of the root other than lexically (the local store's symbolic links). Default: none.
   * @throws ArtifactStoreError naming the path and why it is refused
   */
  protected async checkLocation(_resolved: string): Promise<void> {}

  /** Resolves `path` and checks where it really leads; failures of the check are translated too. */
  async #locate(path: string): Promise<string> {
    const resolved = this.resolve(path);
    await this.#run("check the location of", resolved, () => this.checkLocation(resolved));
    return resolved;
  }

  // ---------------------------------------------------------------- public API

  /** Opens a file for streaming. `"r"`/`"rb"` give a Readable, `"w"`/`"wb"` a Writable (see {@link openWrite}). */
  open(path: string, mode?: "r" | "rb"): Promise<Readable>;
  open(path: string, mode: "w" | "wb"): Promise<Writable>;
  open(path: string, mode: ArtifactStoreOpenMode): Promise<Readable | Writable>;
  async open(path: string, mode: ArtifactStoreOpenMode = "r"): Promise<Readable | Writable> {
    switch (mode) {
      case "r":
      case "rb":
        return this.openRead(path);
      case "w":
      case "wb":
        return this.openWrite(path);
      default:
        throw new ArtifactStoreError(
          `Unsupported open mode '${String(mode)}' for \`${path}\`. Use "r"/"rb" to read or "w"/"wb" to write.`,
        );
    }
  }

  /** Streams a file's bytes. @throws ArtifactStoreError when it does not exist or is a directory. */
  async openRead(path: string): Promise<Readable> {
    const resolved = await this.#locate(path);
    return this.#run("open for reading", resolved, () => this.doOpenRead(resolved));
  }

  /**
   * A stream that writes a file, replacing any existing one. Missing parent directories are
   * created. The file appears (or changes) only once the stream has finished: wait for its
   * `finish` event (or `await pipeline(source, stream)`); a destroyed or failed stream leaves
   * the previous content, or nothing, behind.
   */
  async openWrite(path: string): Promise<Writable> {
    const resolved = await this.#locate(path);
    return this.#run("open for writing", resolved, () => this.doOpenWrite(resolved));
  }

  /** Reads a whole file into memory. Use {@link openRead} for large files. */
  async readFile(path: string): Promise<Buffer> {
    const resolved = this.resolve(path);
    const stream = await this.openRead(resolved);
    return this.#run("read", resolved, async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) {
        chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
      }
      return Buffer.concat(chunks);
    });
  }

  /** Writes a whole file (atomically, see {@link openWrite}); resolves once it is visible. */
  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    const resolved = this.resolve(path);
    const stream = await this.openWrite(resolved);
    const buffer =
      typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const { pipeline } = await import("node:stream/promises");
    await this.#run("write", resolved, () => pipeline([buffer], stream));
  }

  /** Whether a file or directory exists at `path`. */
  async exists(path: string): Promise<boolean> {
    const resolved = await this.#locate(path);
    return this.#run("check the existence of", resolved, () => this.doExists(resolved));
  }

  /** Whether `path` is a directory (false when it does not exist). */
  async isdir(path: string): Promise<boolean> {
    const resolved = await this.#locate(path);
    return this.#run("check", resolved, () => this.doIsdir(resolved));
  }

  /** The names (not paths) of the entries of a directory, sorted. @throws ArtifactStoreError when it does not exist. */
  async listdir(path: string): Promise<string[]> {
    const resolved = await this.#locate(path);
    const names = await this.#run("list", resolved, () => this.doListdir(resolved));
    return [...names].sort(compareNames);
  }

  /**
   * The full paths matching `pattern` (a path inside the store, absolute or relative, with `*`,
   * `?` and `**`, see {@link globToRegExp}), files and directories, sorted. No match gives `[]`.
   */
  async glob(pattern: string): Promise<string[]> {
    const resolved = await this.#locate(pattern);
    const matches = await this.#run("glob", resolved, () => this.doGlob(resolved));
    return [...matches].sort(compareNames);
  }

  /** Creates a directory and its missing parents; an existing directory is fine. */
  async makedirs(path: string): Promise<void> {
    const resolved = await this.#locate(path);
    await this.#run("create the directories", resolved, () => this.doMakedirs(resolved));
  }

  /** Creates a directory whose parent exists; an existing directory is fine. */
  async mkdir(path: string): Promise<void> {
    const resolved = await this.#locate(path);
    await this.#run("create the directory", resolved, () => this.doMkdir(resolved));
  }

  /** Removes a file. @throws ArtifactStoreError when it does not exist or is a directory (use {@link rmtree}). */
  async remove(path: string): Promise<void> {
    const resolved = await this.#locate(path);
    await this.#run("remove", resolved, () => this.doRemove(resolved));
  }

  /** Moves `src` to `dst`. An existing file `dst` is refused unless `{ overwrite: true }`, a directory always. */
  async rename(src: string, dst: string, options: ArtifactStoreOverwriteOptions = {}): Promise<void> {
    const from = await this.#locate(src);
    const to = await this.#locate(dst);
    const overwrite = options.overwrite ?? false;
    await this.#run("rename", from, async () => {
      await this.#checkDestination(to, overwrite, "rename");
      await this.doRename(from, to, overwrite);
    });
  }

  /** Removes a directory and everything below it. @throws ArtifactStoreError when it does not exist or is a file. */
  async rmtree(path: string): Promise<void> {
    const resolved = await this.#locate(path);
    await this.#run("remove the tree", resolved, () => this.doRmtree(resolved));
  }

  /** Size, kind and modification time of a file or directory. @throws ArtifactStoreError when missing. */
  async stat(path: string): Promise<ArtifactStoreStat> {
    const resolved = await this.#locate(path);
    return this.#run("stat", resolved, () => this.doStat(resolved));
  }

  /** A file's size in bytes. @throws ArtifactStoreError when missing. */
  async size(path: string): Promise<number> {
    const resolved = await this.#locate(path);
    return this.#run("get the size of", resolved, () => this.doSize(resolved));
  }

  /** Copies the file `src` to `dst`. An existing file `dst` is refused unless `{ overwrite: true }`, a directory always. */
  async copyfile(src: string, dst: string, options: ArtifactStoreOverwriteOptions = {}): Promise<void> {
    const from = await this.#locate(src);
    const to = await this.#locate(dst);
    const overwrite = options.overwrite ?? false;
    await this.#run("copy", from, async () => {
      await this.#checkDestination(to, overwrite, "copy");
      await this.doCopyfile(from, to, overwrite);
    });
  }

  /**
   * Walks the tree under `top`: yields `[dir, dirNames, fileNames]` (full `dir` path, sorted
   * names) for `top` and every directory below it. A missing `top` yields nothing (as
   * `os.walk`); symbolic links are reported as files and never followed.
   */
  async *walk(top: string, options: ArtifactStoreWalkOptions = {}): AsyncGenerator<ArtifactStoreWalkEntry> {
    const resolved = await this.#locate(top);
    const iterator = this.doWalk(resolved, options.topdown ?? true)[Symbol.asyncIterator]();
    try {
      while (true) {
        const next = await this.#run("walk", resolved, () => iterator.next());
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // The consumer stopped early (break/throw): let the hook release what it holds.
      await iterator.return?.(undefined);
    }
  }

  // ---------------------------------------------------------------- hooks

  /** Opens a file for reading. Missing file: throw a not-found error. */
  protected abstract doOpenRead(path: string): Promise<Readable>;
  /** Opens an atomic write stream (see the class docs). */
  protected abstract doOpenWrite(path: string): Promise<Writable>;
  protected abstract doExists(path: string): Promise<boolean>;
  protected abstract doIsdir(path: string): Promise<boolean>;
  /** Entry names of a directory, in any order. */
  protected abstract doListdir(path: string): Promise<string[]>;
  protected abstract doMakedirs(path: string): Promise<void>;
  protected abstract doMkdir(path: string): Promise<void>;
  protected abstract doRemove(path: string): Promise<void>;
  /** The base has already refused a directory `dst`, and an existing one when `overwrite` is false. */
  protected abstract doRename(src: string, dst: string, overwrite: boolean): Promise<void>;
  protected abstract doRmtree(path: string): Promise<void>;
  protected abstract doStat(path: string): Promise<ArtifactStoreStat>;
  /** The base has already refused a directory `dst`, and an existing one when `overwrite` is false. */
  protected abstract doCopyfile(src: string, dst: string, overwrite: boolean): Promise<void>;

  /** Default: `doStat(path).size`. */
  protected async doSize(path: string): Promise<number> {
    return (await this.doStat(path)).size;
  }

  /**
   * Default: recursive `doListdir` + `doIsdir`. In top-down order, names removed from the yielded
   * `dirs` array by the consumer are not descended into.
   */
  protected async *doWalk(top: string, topdown: boolean): AsyncGenerator<ArtifactStoreWalkEntry> {
    if (!(await this.doIsdir(top))) return;
    const names = (await this.doListdir(top)).sort(compareNames);
    const dirs: string[] = [];
    const files: string[] = [];
    for (const name of names) {
      ((await this.doIsdir(this.#paths.childPath(top, name))) ? dirs : files).push(name);
    }
    yield* this.walkFrom(top, dirs, files, topdown);
  }

  /**
   * Helper for `doWalk` implementations: yields `[dir, dirs, files]` around the recursion into
   * `dirs` (via `doWalk`) in the requested order, honouring pruning of `dirs` in top-down mode.
   */
  protected async *walkFrom(
    dir: string,
    dirs: string[],
    files: string[],
    topdown: boolean,
  ): AsyncGenerator<ArtifactStoreWalkEntry> {
    const entry: ArtifactStoreWalkEntry = [dir, dirs, files];
    if (topdown) yield entry;
    for (const name of [...dirs]) {
      if (topdown && !dirs.includes(name)) continue;
      yield* this.doWalk(this.#paths.childPath(dir, name), topdown);
    }
    if (!topdown) yield entry;
  }

  /** Default: walks from the pattern's literal prefix and matches with {@link globToRegExp}. */
  protected async doGlob(pattern: string): Promise<string[]> {
    return globByWalking(pattern, this.#paths, {
      exists: (path) => this.doExists(path),
      walk: (top) => this.doWalk(top, true),
    });
  }

  // ---------------------------------------------------------------- errors

  /**
   * Whether a hook's native error means "not found". Default: `ENOENT`, `NoSuchKey`, `NotFound`
   * codes/names and HTTP 404 (`$metadata.httpStatusCode`, `code`, `status`, `statusCode`).
   */
  protected isNotFoundError(error: unknown): boolean {
    return isNotFoundError(error);
  }

  /** "File `path` is outside of artifact store bounds `root`" with a hint. */
  protected outOfBoundsError(path: string): ArtifactStoreError {
    return outOfBoundsError(path, this.path, this.#paths.example());
  }

  /** "File `path` does not exist in the artifact store" with a hint; `cause` kept. */
  protected notFoundError(path: string, cause?: unknown): ArtifactStoreError {
    return notFoundError(path, this.path, cause);
  }

  /** The destination of a copy/rename exists and `overwrite` was not set. */
  protected alreadyExistsError(path: string, operation: "copy" | "rename"): ArtifactStoreError {
    return alreadyExistsError(path, this.path, operation);
  }

  /** Any other failure of `operation` on `path`; `cause` kept. */
  protected operationError(operation: string, path: string, cause: unknown): ArtifactStoreError {
    return operationError(operation, path, this.path, cause);
  }

  /** A directory is never replaced by a file; an existing file only with `overwrite`. */
  async #checkDestination(to: string, overwrite: boolean, operation: "copy" | "rename"): Promise<void> {
    if (await this.doIsdir(to)) throw directoryDestinationError(to, this.path, operation);
    if (!overwrite && (await this.doExists(to))) throw this.alreadyExistsError(to, operation);
  }

  async #run<T>(operation: string, path: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ArtifactStoreError) throw error;
      if (this.isNotFoundError(error)) throw this.notFoundError(path, error);
      throw this.operationError(operation, path, error);
    }
  }
}
