import * as nodePath from "node:path";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ArtifactStoreError, ConfigError } from "../errors.js";
import { StackComponent, type StackComponentInit } from "../stack/stack-component.js";

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

const SCHEME_PATTERN = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)/;

/** The `xx://` prefix of a path, or `""` when it has none. */
export function pathScheme(path: string): string {
  return SCHEME_PATTERN.exec(path)?.[1] ?? "";
}

function formatSchemes(schemes: readonly string[]): string {
  // ZenML prints its Python set of schemes: {'s3://'}.
  return `{${schemes.map((scheme) => `'${scheme}'`).join(", ")}}`;
}

/**
 * ZenML's message for a store path that does not start with a supported scheme, or `undefined`
 * when the path is fine. `""` in `supportedSchemes` accepts exactly the paths with no `xx://`
 * prefix. Shared by the store constructors and the flavors' config schemas.
 */
export function unsupportedSchemeMessage(
  path: string,
  supportedSchemes: readonly string[],
  name: string,
): string | undefined {
  const scheme = pathScheme(path);
  const supported = supportedSchemes.some((candidate) =>
    candidate === "" ? scheme === "" : path.startsWith(candidate),
  );
  if (supported) return undefined;
  return (
    `The path: '${path}' you defined for your artifact store is not supported by the implementation of ${name}, ` +
    `because it does not start with one of its supported schemes: ${formatSchemes(supportedSchemes)}.`
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Converts a glob pattern over `/`-separated relative paths into an anchored RegExp.
 * `*` matches any characters but `/`, `?` one character but `/`, a whole `**` segment zero or
 * more directories (`a/**​/b` matches `a/b` and `a/x/y/b`; a trailing `a/**` everything below
 * `a`). Every other character is literal. Names starting with `.` are matched like any other.
 */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split("/");
  let source = "";
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === "**") {
      source += last ? ".*" : "(?:[^/]*/)*";
      return;
    }
    for (let i = 0; i < segment.length; i++) {
      const char = segment[i] as string;
      if (char === "*") {
        while (segment[i + 1] === "*") i++;
        source += "[^/]*";
      } else if (char === "?") {
        source += "[^/]";
      } else {
        source += escapeRegExp(char);
      }
    }
    if (!last) source += "/";
  });
  return new RegExp(`^${source}$`);
}

function hasWildcard(segment: string): boolean {
  return segment.includes("*") || segment.includes("?");
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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

  readonly #local: boolean;
  readonly #scheme: string;
  /** Root without its scheme (remote stores). */
  readonly #rootRest: string;

  /**
   * @param init the component's identity and config (`config.path` is the root)
   * @param options the schemes the store supports, checked against the root with ZenML's message
   * @throws ConfigError when the root is empty or has an unsupported scheme
   */
  protected constructor(init: StackComponentInit<TConfig>, options: ArtifactStoreOptions) {
    super(init);
    const path = options.root ?? init.config.path;
    this.supportedSchemes = Object.freeze([...options.supportedSchemes]);
    this.storeName = options.storeName ?? new.target.name;
    if (this.supportedSchemes.length === 0) {
      throw new ConfigError(
        `${this.storeName} declares no supported schemes. Pass supportedSchemes to the ArtifactStore constructor, e.g. ["s3://"], or [""] for local paths.`,
      );
    }
    if (path === "") {
      throw new ConfigError(
        `The path of a ${this.storeName} is empty. Set the artifact store's \`path\` to its root folder or URL.`,
      );
    }
    const schemeMessage = unsupportedSchemeMessage(path, this.supportedSchemes, this.storeName);
    if (schemeMessage !== undefined) {
      throw new ConfigError(
        `${schemeMessage}\nUse a path starting with one of these schemes, or register the artifact store with a flavor that supports '${pathScheme(path) || path}'.`,
      );
    }
    this.#scheme = pathScheme(path);
    this.#local = this.#scheme === "";
    if (this.#local) {
      this.path = nodePath.resolve(path);
      this.#rootRest = this.path;
    } else {
      this.#rootRest = ArtifactStore.#normaliseRest(path.slice(this.#scheme.length));
      this.path = this.#scheme + this.#rootRest;
    }
  }

  /** True for stores on this machine's file system (those whose schemes include `""`). */
  override get isLocal(): boolean {
    return this.#local;
  }

  static #normaliseRest(rest: string): string {
    if (rest === "") return "";
    let normalised = nodePath.posix.normalize(rest);
    while (normalised.length > 1 && normalised.endsWith("/")) normalised = normalised.slice(0, -1);
    return normalised === "." ? "" : normalised;
  }

  // ---------------------------------------------------------------- paths

  /**
   * The absolute, normalised form of `path` (absolute inside the root, or relative to it).
   * @throws ArtifactStoreError when the path is outside the root (`../x`, `/other`, `/root2`).
   */
  resolve(path: string): string {
    const resolved = this.#tryResolve(path);
    if (resolved === undefined) throw this.outOfBoundsError(path);
    return resolved;
  }

  /** Joins `parts` relative to the root and resolves the result (bounds-checked). */
  join(...parts: string[]): string {
    const relative = this.#local ? nodePath.join(...parts) : nodePath.posix.join(...parts);
    return this.resolve(relative === "." ? "" : relative);
  }

  /** Whether `path` resolves inside the root. Never throws. */
  contains(path: string): boolean {
    return this.#tryResolve(path) !== undefined;
  }

  /** `path` relative to the root, `/`-separated (`""` for the root itself). */
  relative(path: string): string {
    return this.#relativeOf(this.resolve(path));
  }

  #tryResolve(path: string): string | undefined {
    if (this.#local) {
      if (pathScheme(path) !== "") return undefined;
      const resolved = nodePath.resolve(this.path, path);
      const prefix = this.path.endsWith(nodePath.sep) ? this.path : this.path + nodePath.sep;
      return resolved === this.path || resolved.startsWith(prefix) ? resolved : undefined;
    }
    const scheme = pathScheme(path);
    let rest: string;
    if (scheme !== "") {
      if (scheme !== this.#scheme) return undefined;
      rest = ArtifactStore.#normaliseRest(path.slice(scheme.length));
    } else {
      // A leading "/" has no meaning in a bucket URL: refuse it rather than guess.
      if (path.startsWith("/")) return undefined;
      rest = ArtifactStore.#normaliseRest(this.#rootRest === "" ? path : `${this.#rootRest}/${path}`);
    }
    const root = this.#rootRest;
    const inside = rest === root || root === "" || rest.startsWith(root.endsWith("/") ? root : `${root}/`);
    if (!inside || rest.startsWith("..")) return undefined;
    return this.#scheme + rest;
  }

  #basename(resolved: string): string {
    return this.#local ? nodePath.basename(resolved) : nodePath.posix.basename(resolved);
  }

  #childPath(dir: string, name: string): string {
    return this.#local ? nodePath.join(dir, name) : `${dir}/${name}`;
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
    const resolved = this.resolve(path);
    return this.#run("open for reading", resolved, () => this.doOpenRead(resolved));
  }

  /**
   * A stream that writes a file, replacing any existing one. Missing parent directories are
   * created. The file appears (or changes) only once the stream has finished: wait for its
   * `finish` event (or `await pipeline(source, stream)`); a destroyed or failed stream leaves
   * the previous content, or nothing, behind.
   */
  async openWrite(path: string): Promise<Writable> {
    const resolved = this.resolve(path);
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
    await this.#run("write", resolved, () => pipeline(Readable.from([buffer]), stream));
  }

  /** Whether a file or directory exists at `path`. */
  async exists(path: string): Promise<boolean> {
    const resolved = this.resolve(path);
    return this.#run("check the existence of", resolved, () => this.doExists(resolved));
  }

  /** Whether `path` is a directory (false when it does not exist). */
  async isdir(path: string): Promise<boolean> {
    const resolved = this.resolve(path);
    return this.#run("check", resolved, () => this.doIsdir(resolved));
  }

  /** The names (not paths) of the entries of a directory, sorted. @throws ArtifactStoreError when it does not exist. */
  async listdir(path: string): Promise<string[]> {
    const resolved = this.resolve(path);
    const names = await this.#run("list", resolved, () => this.doListdir(resolved));
    return [...names].sort(compareNames);
  }

  /**
   * The full paths matching `pattern` (a path inside the store, absolute or relative, with `*`,
   * `?` and `**`, see {@link globToRegExp}), files and directories, sorted. No match gives `[]`.
   */
  async glob(pattern: string): Promise<string[]> {
    const resolved = this.resolve(pattern);
    const matches = await this.#run("glob", resolved, () => this.doGlob(resolved));
    return [...matches].sort(compareNames);
  }

  /** Creates a directory and its missing parents; an existing directory is fine. */
  async makedirs(path: string): Promise<void> {
    const resolved = this.resolve(path);
    await this.#run("create the directories", resolved, () => this.doMakedirs(resolved));
  }

  /** Creates a directory whose parent exists; an existing directory is fine. */
  async mkdir(path: string): Promise<void> {
    const resolved = this.resolve(path);
    await this.#run("create the directory", resolved, () => this.doMkdir(resolved));
  }

  /** Removes a file. @throws ArtifactStoreError when it does not exist or is a directory (use {@link rmtree}). */
  async remove(path: string): Promise<void> {
    const resolved = this.resolve(path);
    await this.#run("remove", resolved, () => this.doRemove(resolved));
  }

  /** Moves `src` to `dst`. An existing `dst` is refused unless `{ overwrite: true }`. */
  async rename(src: string, dst: string, options: ArtifactStoreOverwriteOptions = {}): Promise<void> {
    const from = this.resolve(src);
    const to = this.resolve(dst);
    const overwrite = options.overwrite ?? false;
    await this.#run("rename", from, async () => {
      if (!overwrite && (await this.doExists(to))) throw this.alreadyExistsError(to, "rename");
      await this.doRename(from, to, overwrite);
    });
  }

  /** Removes a directory and everything below it. @throws ArtifactStoreError when it does not exist or is a file. */
  async rmtree(path: string): Promise<void> {
    const resolved = this.resolve(path);
    await this.#run("remove the tree", resolved, () => this.doRmtree(resolved));
  }

  /** Size, kind and modification time of a file or directory. @throws ArtifactStoreError when missing. */
  async stat(path: string): Promise<ArtifactStoreStat> {
    const resolved = this.resolve(path);
    return this.#run("stat", resolved, () => this.doStat(resolved));
  }

  /** A file's size in bytes. @throws ArtifactStoreError when missing. */
  async size(path: string): Promise<number> {
    const resolved = this.resolve(path);
    return this.#run("get the size of", resolved, () => this.doSize(resolved));
  }

  /** Copies the file `src` to `dst`. An existing `dst` is refused unless `{ overwrite: true }`. */
  async copyfile(src: string, dst: string, options: ArtifactStoreOverwriteOptions = {}): Promise<void> {
    const from = this.resolve(src);
    const to = this.resolve(dst);
    const overwrite = options.overwrite ?? false;
    await this.#run("copy", from, async () => {
      if (!overwrite && (await this.doExists(to))) throw this.alreadyExistsError(to, "copy");
      await this.doCopyfile(from, to, overwrite);
    });
  }

  /**
   * Walks the tree under `top`: yields `[dir, dirNames, fileNames]` (full `dir` path, sorted
   * names) for `top` and every directory below it. A missing `top` yields nothing (as
   * `os.walk`); symbolic links are reported as files and never followed.
   */
  async *walk(top: string, options: ArtifactStoreWalkOptions = {}): AsyncGenerator<ArtifactStoreWalkEntry> {
    const resolved = this.resolve(top);
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
  /** The base has already refused an existing `dst` when `overwrite` is false. */
  protected abstract doRename(src: string, dst: string, overwrite: boolean): Promise<void>;
  protected abstract doRmtree(path: string): Promise<void>;
  protected abstract doStat(path: string): Promise<ArtifactStoreStat>;
  /** The base has already refused an existing `dst` when `overwrite` is false. */
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
      ((await this.doIsdir(this.#childPath(top, name))) ? dirs : files).push(name);
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
      yield* this.doWalk(this.#childPath(dir, name), topdown);
    }
    if (!topdown) yield entry;
  }

  /** Default: walks from the pattern's literal prefix and matches with {@link globToRegExp}. */
  protected async doGlob(pattern: string): Promise<string[]> {
    const relative = this.#relativeOf(pattern);
    const segments = relative === "" ? [] : relative.split("/");
    const firstWild = segments.findIndex(hasWildcard);
    if (firstWild === -1) return (await this.doExists(pattern)) ? [pattern] : [];
    const base = segments.slice(0, firstWild).reduce((dir, name) => this.#childPath(dir, name), this.path);
    const regexp = globToRegExp(relative);
    const maxDepth = segments.includes("**") ? Number.POSITIVE_INFINITY : segments.length;
    const matches: string[] = [];
    for await (const [dir, dirs, files] of this.doWalk(base, true)) {
      const dirRelative = this.#relativeOf(dir);
      const depth = dirRelative === "" ? 1 : dirRelative.split("/").length + 1;
      for (const name of [...dirs, ...files]) {
        const candidate = dirRelative === "" ? name : `${dirRelative}/${name}`;
        if (regexp.test(candidate)) matches.push(this.#childPath(dir, name));
      }
      if (depth >= maxDepth) dirs.length = 0;
    }
    return matches;
  }

  #relativeOf(resolved: string): string {
    if (resolved === this.path) return "";
    const rest = resolved.slice(this.path.length).replace(/^[\\/]+/, "");
    return this.#local ? rest.split(nodePath.sep).join("/") : rest;
  }

  // ---------------------------------------------------------------- errors

  /**
   * Whether a hook's native error means "not found". Default: `ENOENT`, `NoSuchKey`, `NotFound`
   * codes/names and HTTP 404 (`$metadata.httpStatusCode`, `code`, `status`, `statusCode`).
   */
  protected isNotFoundError(error: unknown): boolean {
    if (typeof error !== "object" || error === null) return false;
    const e = error as {
      code?: unknown;
      name?: unknown;
      status?: unknown;
      statusCode?: unknown;
      $metadata?: { httpStatusCode?: unknown };
    };
    return (
      e.code === "ENOENT" ||
      e.code === "NoSuchKey" ||
      e.code === "NotFound" ||
      e.name === "NoSuchKey" ||
      e.name === "NotFound" ||
      e.code === 404 ||
      e.status === 404 ||
      e.statusCode === 404 ||
      e.$metadata?.httpStatusCode === 404
    );
  }

  /** "File `path` is outside of artifact store bounds `root`" with a hint. */
  protected outOfBoundsError(path: string): ArtifactStoreError {
    const example = this.#local ? nodePath.join(this.path, "a.txt") : `${this.path}/a.txt`;
    return new ArtifactStoreError(
      `File \`${path}\` is outside of artifact store bounds \`${this.path}\`. ` +
        `Use a path inside the store: relative to its root (e.g. \`a.txt\`) or absolute under it (e.g. \`${example}\`).`,
    );
  }

  /** "File `path` does not exist in the artifact store" with a hint; `cause` kept. */
  protected notFoundError(path: string, cause?: unknown): ArtifactStoreError {
    return new ArtifactStoreError(
      `File \`${path}\` does not exist in artifact store \`${this.path}\`. Check the path (\`exists()\` tells whether a path is there, \`listdir()\` what a directory holds).`,
      { cause },
    );
  }

  /** The destination of a copy/rename exists and `overwrite` was not set. */
  protected alreadyExistsError(path: string, operation: "copy" | "rename"): ArtifactStoreError {
    return new ArtifactStoreError(
      `Cannot ${operation} onto \`${path}\`: it already exists in artifact store \`${this.path}\`. Pass \`{ overwrite: true }\` to replace it, or choose another destination.`,
    );
  }

  /** Any other failure of `operation` on `path`; `cause` kept. */
  protected operationError(operation: string, path: string, cause: unknown): ArtifactStoreError {
    const code = (cause as { code?: unknown } | null)?.code;
    const detail = typeof code === "string" || typeof code === "number" ? ` (${code})` : "";
    return new ArtifactStoreError(
      `Could not ${operation} \`${path}\` in artifact store \`${this.path}\`${detail}. ` +
        "Check that the path is of the right kind (file or directory), that the store is reachable and that you may access it; the cause has the details.",
      { cause },
    );
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

  /** The basename of a resolved path (for subclasses' messages). */
  protected basename(resolved: string): string {
    return this.#basename(resolved);
  }
}
