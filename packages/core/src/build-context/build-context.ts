import { createHash, type Hash } from "node:crypto";
import {
  closeSync,
  type Dirent,
  constants as fsConstants,
  fstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
} from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import tar from "tar-stream";
import { DockerIgnore, type DockerIgnoreMatchInfo } from "./docker-ignore.js";
import { BuildContextError } from "../errors.js";
import { consoleLogger, type Logger } from "../logger.js";
import { type GzipOutput, ParallelGzip } from "./parallel-gzip.js";

/** The gzip level {@link BuildContext.writeArchive} and `checksum()` use by default: fast. */
export const DEFAULT_COMPRESSION_LEVEL = 1;

export interface BuildContextOptions {
  /** The directory archived; entries are relative to it. */
  root: string;
  /** The ignore file: absolute or relative to `root`; default `<root>/.dockerignore` if present. */
  dockerignoreFile?: string;
  /**
   * Files added to the archive, by `/`-separated path relative to the root
   * (may be nested, in directories that need not exist). They are always
   * included and replace an entry of the same path.
   */
  extraFiles?: Record<string, string | Uint8Array>;
  logger?: Logger;
}

export interface ArchiveOptions {
  /** gzip the tar (default true); false writes a plain tar. */
  gzip?: boolean;
  /** gzip level 0–9; default {@link DEFAULT_COMPRESSION_LEVEL}. */
  level?: number;
}

export interface ArchiveResult {
  /** Bytes written to the sink. */
  bytes: number;
  /** sha256 (hex) of exactly those bytes. */
  sha256: string;
}

type Entry =
  | { kind: "directory"; path: string }
  | { kind: "file"; path: string; absPath: string }
  | { kind: "symlink"; path: string; absPath: string }
  | { kind: "extra"; path: string; data: Buffer };

interface VirtualDir {
  files: Map<string, Buffer>;
  dirs: Map<string, VirtualDir>;
}

interface Child {
  name: string;
  key: string;
  type: "dir" | "file" | "symlink" | "other" | "extra" | "virtual-dir";
  virtual?: VirtualDir;
  data?: Buffer;
  dirent?: Dirent;
}

interface Prepared {
  root: string;
  matcher: DockerIgnore | undefined;
  /** Relative paths of ignore files, never archived. */
  skip: Set<string>;
  hasDockerignore: boolean;
}

type TarHeader = Parameters<tar.Pack["entry"]>[0];
type TarEntrySink = ReturnType<tar.Pack["entry"]>;

const WARN_SIZE = 50 * 1024 * 1024;
const SMALL_FILE = 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
/** Entries handed to tar-stream before waiting for it (bounds what it holds). */
const BATCH_ENTRIES = 64;
const BATCH_BYTES = 1024 * 1024;
const PLAIN_COALESCE = 64 * 1024;
/** Read buffers are carved from recycled arenas of this size. */
const ARENA_SIZE = 1024 * 1024;
const FREE_ARENAS = 8;
const EPOCH = new Date(0);
const OPEN_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK;

/**
 * A Docker build context: the files under `root` minus what `.dockerignore`
 * excludes (Docker's own rules, see `docker-ignore.ts`), plus `extraFiles`,
 * archived as a deterministic tar (optionally gzipped) in one streaming pass.
 *
 * Determinism: entries in byte-wise path order, directories as `name/`,
 * mtime 0, uid/gid 0, no user/group names, modes normalised (directories
 * 0755, files 0755 if any execute bit is set else 0644, symlinks 0777), gzip
 * header without name and mtime 0 — the same tree gives the same bytes
 * wherever it lives and whatever its timestamps.
 *
 * The root `Dockerfile` and every extra file are always included; the
 * `.dockerignore` itself never is. Symlinks are archived as symlinks, never
 * followed; sockets, FIFOs and devices are skipped with a warning.
 */
export class BuildContext {
  /** The context's root directory, absolute. */
  readonly root: string;
  private readonly dockerignoreFile: string | undefined;
  private readonly extras: VirtualDir;
  private readonly logger: Logger;

  constructor(options: BuildContextOptions) {
    this.root = path.resolve(options.root);
    this.dockerignoreFile = options.dockerignoreFile;
    this.logger = options.logger ?? consoleLogger;
    this.extras = buildVirtualTree(options.extraFiles ?? {});
  }

  /** Sorted relative paths of the archive's non-directory entries (files and symlinks). */
  async files(): Promise<string[]> {
    const prepared = await this.prepare();
    const files: string[] = [];
    for (const entry of this.walk(prepared, this.root, "", undefined, this.extras)) {
      if (entry.kind !== "directory") files.push(entry.path);
    }
    return files;
  }

  /**
   * Writes the archive to `sink` in one streaming pass, respecting the sink's
   * backpressure, then ends the sink (`sink.end()`, as `stream.pipeline`
   * does) and resolves once it has emitted 'finish'. On failure the sink is
   * destroyed with the error, so a consumer never takes a truncated archive
   * for a whole one.
   *
   * gzip (the default) compresses blocks in parallel on libuv's thread pool
   * into one gzip member; `gzip: false` writes a plain tar.
   */
  async writeArchive(sink: Writable, options: ArchiveOptions = {}): Promise<ArchiveResult> {
    const gzip = options.gzip ?? true;
    const level = options.level ?? DEFAULT_COMPRESSION_LEVEL;
    const output = new SinkOutput(sink);
    try {
      const prepared = await this.prepare();
      const encoder: TarEncoder = gzip ? new ParallelGzip(output, { level }) : new PlainTar(output);
      await this.pack(prepared, encoder);
      await encoder.end();
      await output.finish();
    } catch (error) {
      if (!sink.destroyed) sink.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    return { bytes: output.bytes, sha256: output.hash.digest("hex") };
  }

  /** sha256 (hex) of the gzipped archive at the default level, streamed into the hash. */
  async checksum(): Promise<string> {
    const discard = new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    });
    return (await this.writeArchive(discard, { gzip: true })).sha256;
  }

  private async prepare(): Promise<Prepared> {
    const root = this.root;
    let rootStat: Awaited<ReturnType<typeof stat>>;
    try {
      rootStat = await stat(root);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw new BuildContextError(
        code === "ENOENT"
          ? `Build context root '${root}' does not exist. Pass the directory that holds the Dockerfile and the files the image needs.`
          : `Cannot access the build context root '${root}' (${code ?? String(cause)}). Check the path and its permissions.`,
        { cause },
      );
    }
    if (!rootStat.isDirectory()) {
      throw new BuildContextError(
        `Build context root '${root}' is not a directory. Pass the directory that holds the Dockerfile, not a file.`,
      );
    }

    const skip = new Set<string>([".dockerignore"]);
    const explicit = this.dockerignoreFile !== undefined;
    const ignorePath = path.resolve(root, this.dockerignoreFile ?? ".dockerignore");
    const relIgnore = path.relative(root, ignorePath);
    if (relIgnore && !relIgnore.startsWith("..") && !path.isAbsolute(relIgnore)) {
      skip.add(relIgnore.split(path.sep).join("/"));
    }
    let content: string | undefined;
    try {
      content = await readFile(ignorePath, "utf8");
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" || explicit) {
        throw new BuildContextError(
          code === "ENOENT"
            ? `The dockerignore file '${ignorePath}' does not exist. Create it, or drop the 'dockerignoreFile' option to use '<root>/.dockerignore' when present.`
            : `Cannot read the dockerignore file '${ignorePath}' (${code ?? String(cause)}). Check that it is a readable file.`,
          { cause },
        );
      }
    }
    const matcher = content === undefined ? undefined : DockerIgnore.parse(content);
    return {
      root,
      matcher: matcher && matcher.patterns.length > 0 ? matcher : undefined,
      skip,
      hasDockerignore: content !== undefined,
    };
  }

  /**
   * Yields the entries under `relDir` in byte-wise path order: depth first,
   * siblings sorted by name, a directory's key being `name/`.
   */
  private *walk(
    prepared: Prepared,
    absDir: string | undefined,
    relDir: string,
    parentInfo: DockerIgnoreMatchInfo | undefined,
    virtual: VirtualDir | undefined,
  ): Generator<Entry> {
    const children = this.children(absDir, relDir, virtual);
    const matcher = prepared.matcher;
    for (const child of children) {
      const rel = relDir === "" ? child.name : `${relDir}/${child.name}`;
      if (child.type === "extra") {
        yield { kind: "extra", path: rel, data: child.data as Buffer };
        continue;
      }
      if (child.type === "virtual-dir") {
        yield { kind: "directory", path: rel };
        yield* this.walk(prepared, undefined, rel, undefined, child.virtual);
        continue;
      }
      if (prepared.skip.has(rel)) continue;
      const abs = path.join(absDir as string, child.name);
      let excluded = false;
      let info: DockerIgnoreMatchInfo | undefined;
      if (matcher) ({ matched: excluded, info } = matcher.matchesUsingParentResults(rel, parentInfo));
      if (relDir === "" && child.name === "Dockerfile") excluded = false;

      switch (child.type) {
        case "file":
          if (!excluded) yield { kind: "file", path: rel, absPath: abs };
          break;
        case "symlink":
          if (!excluded) yield { kind: "symlink", path: rel, absPath: abs };
          break;
        case "other":
          if (!excluded) {
            this.logger.warn(
              `Skipping '${rel}' in the build context '${prepared.root}': ${describeSpecial(child.dirent)} cannot be archived. Exclude it in .dockerignore to silence this warning.`,
            );
          }
          break;
        case "dir":
          if (!excluded) {
            yield { kind: "directory", path: rel };
            yield* this.walk(prepared, abs, rel, info, child.virtual);
          } else if (child.virtual || matcher?.mayIncludeInside(rel)) {
            // Excluded, but an exception or an extra file may bring back
            // something inside: its directory entry goes first, if needed.
            let first = true;
            for (const entry of this.walk(prepared, abs, rel, info, child.virtual)) {
              if (first) {
                first = false;
                yield { kind: "directory", path: rel };
              }
              yield entry;
            }
          }
          break;
      }
    }
  }

  private children(absDir: string | undefined, relDir: string, virtual: VirtualDir | undefined): Child[] {
    const byName = new Map<string, Child>();
    if (absDir !== undefined) {
      let dirents: Dirent[];
      try {
        dirents = readdirSync(absDir, { withFileTypes: true });
      } catch (cause) {
        throw readError(relDir || ".", absDir, cause);
      }
      for (const dirent of dirents) {
        const name = dirent.name;
        if (dirent.isDirectory()) byName.set(name, { name, key: `${name}/`, type: "dir" });
        else if (dirent.isFile()) byName.set(name, { name, key: name, type: "file" });
        else if (dirent.isSymbolicLink()) byName.set(name, { name, key: name, type: "symlink" });
        else byName.set(name, { name, key: name, type: "other", dirent });
      }
    }
    if (virtual) {
      for (const [name, data] of virtual.files) byName.set(name, { name, key: name, type: "extra", data });
      for (const [name, dir] of virtual.dirs) {
        const onDisk = byName.get(name);
        if (onDisk?.type === "dir") onDisk.virtual = dir;
        else
          byName.set(name, {
            name,
            key: `${name}/`,
            type: "virtual-dir",
            virtual: dir,
          });
      }
    }
    return [...byName.values()].sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Walks, reads and feeds tar-stream; resolves when the whole tar went into `encoder`. */
  private async pack(prepared: Prepared, encoder: TarEncoder): Promise<void> {
    const pack = tar.pack();
    const buffers = new ReadArenas(encoder.copies);
    const consumed = new Promise<void>((resolve, reject) => {
      pack.on("data", (data: unknown) => {
        const chunk = data as Uint8Array;
        try {
          encoder.write(chunk);
          buffers.release(chunk);
        } catch (error) {
          pack.destroy(error as Error);
          return;
        }
        if (!encoder.ready) {
          pack.pause();
          encoder.whenReady().then(
            () => pack.resume(),
            (error: unknown) => pack.destroy(error as Error),
          );
        }
      });
      pack.on("end", () => resolve());
      pack.on("error", reject);
      pack.on("close", () => reject(new BuildContextError("The tar stream closed early.")));
    });
    // a rejection is handled below; this keeps it from being reported as unhandled meanwhile
    consumed.catch(() => {});

    try {
      await this.produce(prepared, pack, buffers);
      pack.finalize();
    } catch (error) {
      pack.destroy(error as Error);
      await consumed.catch(() => {});
      throw error;
    }
    await consumed;
  }

  private async produce(prepared: Prepared, pack: tar.Pack, buffers: ReadArenas): Promise<void> {
    let entryError: unknown;
    const onEntry = (error?: Error | null): void => {
      if (error && entryError === undefined) entryError = error;
    };
    let batchEntries = 0;
    let batchBytes = 0;
    let total = 0;
    // tar-stream destroys every queued entry with the pack's error; the error
    // reaches us through the entry callbacks, so the entries' own 'error'
    // events are silenced (an EventEmitter without listener would throw).
    const packEntry = (header: TarHeader, data: Buffer | undefined, callback: (error?: Error | null) => void) => {
      const sink = data ? pack.entry(header, data, callback) : pack.entry(header, callback);
      sink.on("error", noop);
      return sink;
    };
    const add = async (header: TarHeader, data?: Buffer): Promise<void> => {
      batchEntries++;
      batchBytes += 512 + (data?.length ?? 0);
      if (batchEntries >= BATCH_ENTRIES || batchBytes >= BATCH_BYTES) {
        batchEntries = 0;
        batchBytes = 0;
        await new Promise<void>((resolve) =>
          packEntry(header, data, (error) => {
            onEntry(error);
            resolve();
          }),
        );
      } else {
        packEntry(header, data, onEntry);
      }
      if (entryError !== undefined) throw entryError;
    };

    for (const entry of this.walk(prepared, prepared.root, "", undefined, this.extras)) {
      switch (entry.kind) {
        case "directory":
          await add(header(`${entry.path}/`, "directory", 0o755, 0));
          break;
        case "extra":
          total += entry.data.length;
          await add(header(entry.path, "file", 0o644, entry.data.length), entry.data);
          break;
        case "symlink": {
          let target: string;
          try {
            target = readlinkSync(entry.absPath);
          } catch (cause) {
            throw readError(entry.path, entry.absPath, cause);
          }
          await add({
            ...header(entry.path, "symlink", 0o777, 0),
            linkname: target,
          });
          break;
        }
        case "file":
          total += await this.addFile(entry.path, entry.absPath, buffers, add, (header, callback) =>
            packEntry(header, undefined, callback),
          );
          if (entryError !== undefined) throw entryError;
          break;
      }
    }
    if (!prepared.hasDockerignore && total > WARN_SIZE) {
      this.logger.warn(
        `The build context '${prepared.root}' is ${(total / 1024 / 1024).toFixed(1)} MiB and has no .dockerignore: everything under it is sent to the image builder. Add a .dockerignore that excludes what the image does not need (data, virtualenvs, .git, build outputs).`,
      );
    }
  }

  /** Adds one regular file; returns its size. Small files are read whole, large ones streamed. */
  private async addFile(
    rel: string,
    abs: string,
    buffers: ReadArenas,
    add: (header: TarHeader, data?: Buffer) => Promise<void>,
    stream: (header: TarHeader, callback: (error?: Error | null) => void) => TarEntrySink,
  ): Promise<number> {
    let fd = -1;
    let size = 0;
    let mode = 0o644;
    let data: Buffer | undefined;
    try {
      fd = openSync(abs, OPEN_FLAGS);
      const st = fstatSync(fd);
      if (!st.isFile()) throw new BuildContextError(`'${rel}' in the build context changed while it was archived.`);
      size = st.size;
      mode = st.mode & 0o111 ? 0o755 : 0o644;
      if (size <= SMALL_FILE) {
        data = buffers.take(size);
        let read = 0;
        while (read < size) {
          const n = readSync(fd, data, read, size - read, read);
          if (n === 0) throw shrunk(rel, abs);
          read += n;
        }
      }
    } catch (cause) {
      throw cause instanceof BuildContextError ? cause : readError(rel, abs, cause);
    } finally {
      if (fd >= 0) closeSync(fd);
    }
    if (data) {
      await add(header(rel, "file", mode, size), data);
      return size;
    }

    // Large file: streamed in chunks into tar-stream's entry writable.
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(abs, OPEN_FLAGS);
    } catch (cause) {
      throw readError(rel, abs, cause);
    }
    try {
      let entrySink: TarEntrySink | undefined;
      const entryDone = new Promise<void>((resolve, reject) => {
        entrySink = stream(header(rel, "file", mode, size), (error) => (error ? reject(error) : resolve()));
      });
      entryDone.catch(noop);
      const sink = entrySink as TarEntrySink;
      try {
        let position = 0;
        while (position < size) {
          const chunk = buffers.take(Math.min(READ_CHUNK, size - position));
          let bytesRead: number;
          try {
            ({ bytesRead } = await handle.read(chunk, 0, chunk.length, position));
          } catch (cause) {
            throw readError(rel, abs, cause);
          }
          if (bytesRead === 0) throw shrunk(rel, abs);
          position += bytesRead;
          if (!sink.write(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead))) {
            await Promise.race([drained(sink), entryDone]);
          }
        }
        sink.end(null);
      } catch (error) {
        sink.destroy(error as Error);
        throw error;
      }
      await entryDone;
    } finally {
      await handle.close();
    }
    return size;
  }
}

/** What {@link BuildContext.pack} writes the tar into. */
interface TarEncoder {
  /** Whether write() copies its input (so read buffers can be recycled after it). */
  readonly copies: boolean;
  write(chunk: Uint8Array): void;
  readonly ready: boolean;
  whenReady(): Promise<void>;
  end(): Promise<void>;
}

/** A plain tar: small chunks coalesced into larger writes. */
class PlainTar implements TarEncoder {
  readonly copies = false;
  private buffer = Buffer.allocUnsafe(PLAIN_COALESCE);
  private fill = 0;

  constructor(private readonly output: SinkOutput) {}

  get ready(): boolean {
    return !this.output.blocked;
  }

  whenReady(): Promise<void> {
    return this.output.whenUnblocked();
  }

  write(chunk: Uint8Array): void {
    if (this.fill + chunk.length > PLAIN_COALESCE) this.flush();
    if (chunk.length >= PLAIN_COALESCE) {
      this.output.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      return;
    }
    this.buffer.set(chunk, this.fill);
    this.fill += chunk.length;
  }

  async end(): Promise<void> {
    this.flush();
  }

  private flush(): void {
    if (this.fill === 0) return;
    this.output.write(this.buffer.subarray(0, this.fill));
    this.buffer = Buffer.allocUnsafe(PLAIN_COALESCE);
    this.fill = 0;
  }
}

interface Arena {
  buffer: Buffer;
  carved: number;
  consumed: number;
  retired: boolean;
}

/**
 * Read buffers carved from 1 MiB arenas that are reused once the encoder has
 * copied every byte carved from them (it copies in tar-stream's 'data'
 * handler, which calls {@link release}): file data then makes no garbage,
 * which keeps the process's memory flat whatever the context's size. A chunk
 * that is never released (copied or split by the tar stream) only means its
 * arena is left to the garbage collector. Disabled when the encoder keeps
 * references to its input (plain tar).
 */
class ReadArenas {
  private readonly byBuffer = new Map<ArrayBufferLike, Arena>();
  private readonly free: Arena[] = [];
  private current: Arena | undefined;

  constructor(private readonly enabled: boolean) {}

  take(size: number): Buffer {
    if (!this.enabled || size > ARENA_SIZE || size === 0) return Buffer.allocUnsafe(size);
    let arena = this.current;
    if (arena === undefined || arena.carved + size > ARENA_SIZE) {
      if (arena) {
        arena.retired = true;
        this.recycle(arena);
      }
      arena = this.free.pop() ?? this.create();
      this.current = arena;
    }
    const chunk = arena.buffer.subarray(arena.carved, arena.carved + size);
    arena.carved += size;
    return chunk;
  }

  release(chunk: Uint8Array): void {
    const arena = this.byBuffer.get(chunk.buffer);
    if (arena === undefined) return;
    arena.consumed += chunk.byteLength;
    this.recycle(arena);
  }

  private create(): Arena {
    const arena: Arena = {
      buffer: Buffer.allocUnsafe(ARENA_SIZE),
      carved: 0,
      consumed: 0,
      retired: false,
    };
    this.byBuffer.set(arena.buffer.buffer, arena);
    return arena;
  }

  private recycle(arena: Arena): void {
    if (!arena.retired || arena.consumed < arena.carved) return;
    if (this.free.length < FREE_ARENAS) {
      arena.carved = 0;
      arena.consumed = 0;
      arena.retired = false;
      this.free.push(arena);
    } else {
      this.byBuffer.delete(arena.buffer.buffer);
    }
  }
}

/** The caller's sink, with byte count, sha256 and drain tracking. */
class SinkOutput implements GzipOutput {
  readonly hash: Hash = createHash("sha256");
  bytes = 0;
  private needDrain = false;
  private error: unknown;
  private waiters: Array<{
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];

  constructor(private readonly sink: Writable) {
    sink.on("error", (error) => this.fail(error));
    sink.on("close", () => this.fail(new BuildContextError("The archive sink closed before the archive was written.")));
    sink.on("drain", () => {
      this.needDrain = false;
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
    });
  }

  get blocked(): boolean {
    return this.needDrain || this.error !== undefined;
  }

  write(chunk: Buffer, flushed?: () => void): void {
    if (this.error !== undefined) throw this.error;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    const written = flushed
      ? this.sink.write(chunk, (error) => {
          if (!error) flushed();
        })
      : this.sink.write(chunk);
    if (!written) this.needDrain = true;
  }

  whenUnblocked(): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (!this.needDrain) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async finish(): Promise<void> {
    if (this.error !== undefined) throw this.error;
    this.sink.end();
    await finished(this.sink, { readable: false });
  }

  private fail(error: unknown): void {
    if (this.error !== undefined) return;
    this.error = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}

function header(name: string, type: "file" | "directory" | "symlink", mode: number, size: number): TarHeader {
  return {
    name,
    type,
    mode,
    size,
    mtime: EPOCH,
    uid: 0,
    gid: 0,
    uname: "",
    gname: "",
  };
}

function noop(): void {}

function drained(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off("drain", onDrain);
      stream.off("error", onError);
      stream.off("close", onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new BuildContextError("The tar stream closed early."));
    };
    stream.on("drain", onDrain);
    stream.on("error", onError);
    stream.on("close", onClose);
  });
}

function readError(rel: string, abs: string, cause: unknown): BuildContextError {
  const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
  return new BuildContextError(
    `Cannot read '${rel}' of the build context ('${abs}'): ${code}. Fix its permissions, or exclude it in .dockerignore.`,
    { cause },
  );
}

function shrunk(rel: string, abs: string): BuildContextError {
  return new BuildContextError(
    `'${rel}' of the build context ('${abs}') got shorter while it was archived. Do not modify the context during a build.`,
  );
}

function describeSpecial(dirent: Dirent | undefined): string {
  if (dirent?.isFIFO()) return "a FIFO (named pipe)";
  if (dirent?.isSocket()) return "a socket";
  if (dirent?.isBlockDevice()) return "a block device";
  if (dirent?.isCharacterDevice()) return "a character device";
  return "a special file";
}

/**
 * Byte-wise (UTF-8) order. JavaScript compares UTF-16 code units, which
 * agrees with UTF-8 byte order except between surrogate pairs and U+E000–U+FFFF.
 */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (/[\ud800-\uffff]/.test(a) || /[\ud800-\uffff]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
}

function buildVirtualTree(extraFiles: Record<string, string | Uint8Array>): VirtualDir {
  const root: VirtualDir = { files: new Map(), dirs: new Map() };
  for (const [rawPath, content] of Object.entries(extraFiles)) {
    const parts = normaliseExtraPath(rawPath);
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      if (dir.files.has(part)) throw extraConflict(rawPath);
      let next = dir.dirs.get(part);
      if (!next) {
        next = { files: new Map(), dirs: new Map() };
        dir.dirs.set(part, next);
      }
      dir = next;
    }
    const name = parts[parts.length - 1] as string;
    if (dir.dirs.has(name) || dir.files.has(name)) throw extraConflict(rawPath);
    dir.files.set(name, data);
  }
  return root;
}

function normaliseExtraPath(raw: string): string[] {
  if (raw === "" || raw.startsWith("/") || path.win32.isAbsolute(raw)) {
    throw new BuildContextError(
      `Extra file path '${raw}' must be relative to the build context root (like 'Dockerfile' or 'sub/gen.txt').`,
    );
  }
  if (raw.endsWith("/")) {
    throw new BuildContextError(`Extra file path '${raw}' ends with '/': give a file path, not a directory.`);
  }
  const parts = raw.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.length === 0 || parts.includes("..")) {
    throw new BuildContextError(
      `Extra file path '${raw}' must stay inside the build context root: '..' is not allowed.`,
    );
  }
  return parts;
}

function extraConflict(raw: string): BuildContextError {
  return new BuildContextError(
    `Extra file path '${raw}' conflicts with another extra file: one path cannot be both a file and a directory.`,
  );
}
