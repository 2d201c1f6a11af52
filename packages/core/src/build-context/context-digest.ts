// The content address of a build context, computed without building its archive: no tar framing, no gzip, one
// sha256 per file (crypto.hash, ~1.4 GB/s here) and one over the entries' records. Small files are read
// synchronously, as the tar producer does; large files block by block, the next read running on the thread pool
// while the previous block is hashed. The event loop gets a turn every few MiB. A cache of digests, keyed by the
// stat data of everything read, makes an unchanged context's digest a matter of stat calls.
import { createHash, hash } from "node:crypto";
import {
  type BigIntStats,
  closeSync,
  constants as fsConstants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  read,
  readFileSync,
  readlinkSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { setImmediate as turn } from "node:timers/promises";
import type { ContextSource } from "./context-archive.js";
import { type Entry, prepareContext, readError, walkContext } from "./context-walk.js";
import type { VirtualDir } from "./extra-files.js";

/**
 * Names what the digest covers. Bump it when the archive's bytes for the same entries change (the tar encoding, the
 * normalised modes), so an old upload is never taken for the new archive.
 */
const DIGEST_FORMAT = "flavorstack-build-context/1";
/** Files up to this size are read whole, synchronously; larger ones in blocks of this size. */
const BLOCK_SIZE = 1024 * 1024;
/** Bytes hashed between two turns of the event loop. */
const TURN_BYTES = 16 * 1024 * 1024;
/** Entries whose ctime is this close to the digest's start are not trusted to a cache (timestamps are coarse on some file systems). */
const SETTLED_NS = 2_000_000_000n;
const OPEN_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK;

/** What {@link digestContext} found: the context's content address, and a check that nothing changed since. */
export interface ContextDigest {
  /** sha256 (hex) over the archive's entries in order: kind, path, normalised mode, and content or link target. */
  sha256: string;
  /**
   * Whether the files and directories are as they were when digested (size, inode, change and modification times).
   * A write changes a file's ctime, and adding, removing or renaming an entry changes its directory's.
   */
  unchanged(): boolean;
}

/**
 * Digests the context's entries: the same entries give the same digest, whatever their timestamps or location. With
 * a `cacheDir`, a digest is kept there with the stat data of what it read, and reused while all of it is unchanged:
 * an unchanged context is then digested by a stat of its files and directories, without reading them.
 */
export async function digestContext(source: ContextSource, cacheDir: string | undefined): Promise<ContextDigest> {
  const prepared = await prepareContext(source.root, source.dockerignoreFile);
  const ignoreFile = path.resolve(prepared.root, source.dockerignoreFile ?? ".dockerignore");
  const cacheFile =
    cacheDir &&
    path.join(cacheDir, "build-context-digests", `${cacheKey(prepared.root, ignoreFile, source.extras)}.json`);
  const cached = cacheFile ? readCache(cacheFile) : undefined;
  if (cached && unchangedSince(cached.watched)) return contextDigest(cached.sha256, cached.watched);

  const startedNs = BigInt(Date.now()) * 1_000_000n;
  const watched = new Map<string, string>();
  let settled = true;
  const watch: Watch = (absPath, stats) => {
    watched.set(absPath, stats === undefined ? "missing" : signature(stats));
    // Racily clean (git's term): changed within the timestamps' granularity of now, it may change again unseen.
    if (stats !== undefined && stats.ctimeNs > startedNs - SETTLED_NS) settled = false;
  };
  watch(ignoreFile, lstatOrUndefined(ignoreFile));

  const digest = createHash("sha256").update(`${DIGEST_FORMAT}\n`);
  const buffers = {
    small: Buffer.allocUnsafe(BLOCK_SIZE),
    blocks: [Buffer.allocUnsafe(BLOCK_SIZE), Buffer.allocUnsafe(BLOCK_SIZE)],
  };
  let sinceTurn = 0;
  const onDirectoryRead = (absDir: string) => watch(absDir, lstatOrUndefined(absDir));
  for (const entry of walkContext(prepared, source.extras, source.logger, onDirectoryRead)) {
    const { record, bytes } = await recordOf(entry, watch, buffers);
    digest.update(record);
    sinceTurn += bytes;
    if (sinceTurn >= TURN_BYTES) {
      sinceTurn = 0;
      await turn();
    }
  }
  const sha256 = digest.digest("hex");
  if (cacheFile && settled) writeCache(cacheFile, { sha256, watched: [...watched] });
  return contextDigest(sha256, [...watched]);
}

/** `$FLAVORSTACK_CACHE_DIR`, else `$XDG_CACHE_HOME/flavorstack`, else `~/.cache/flavorstack`. */
export function defaultCacheDir(): string {
  const { FLAVORSTACK_CACHE_DIR, XDG_CACHE_HOME } = process.env;
  if (FLAVORSTACK_CACHE_DIR) return FLAVORSTACK_CACHE_DIR;
  return path.join(XDG_CACHE_HOME || path.join(homedir(), ".cache"), "flavorstack");
}

function contextDigest(sha256: string, watched: [string, string][]): ContextDigest {
  return { sha256, unchanged: () => unchangedSince(watched) };
}

function unchangedSince(watched: [string, string][]): boolean {
  for (const [absPath, before] of watched) {
    const now = lstatOrUndefined(absPath);
    if ((now === undefined ? "missing" : signature(now)) !== before) return false;
  }
  return true;
}

interface CacheEntry {
  sha256: string;
  watched: [string, string][];
}

/** The cache's file name: what the digest depends on besides the file system. */
function cacheKey(root: string, ignoreFile: string, extras: VirtualDir): string {
  const key = createHash("sha256").update(JSON.stringify([DIGEST_FORMAT, root, ignoreFile]));
  const addExtras = (dir: VirtualDir, prefix: string) => {
    for (const [name, data] of [...dir.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      key.update(`${prefix}${name}\0${data.length}\0`).update(data);
    }
    for (const [name, sub] of [...dir.dirs].sort(([a], [b]) => (a < b ? -1 : 1))) addExtras(sub, `${prefix}${name}/`);
  };
  addExtras(extras, "");
  return key.digest("hex");
}

function readCache(file: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, "utf8")) as CacheEntry;
    return typeof entry.sha256 === "string" && Array.isArray(entry.watched) ? entry : undefined;
  } catch {
    return undefined; // missing or unreadable: digest again
  }
}

/** Writes the entry atomically; a cache that cannot be written is no error (the next digest reads the files). */
function writeCache(file: string, entry: CacheEntry): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, file);
  } catch {
    rmSync(temp, { force: true });
  }
}

interface Buffers {
  /** Where small files are read (they are hashed before the next read). */
  small: Buffer;
  /** Two blocks for large files: one hashed while the other is read. */
  blocks: Buffer[];
}

type Watch = (absPath: string, stats: BigIntStats | undefined) => void;

/** One entry's line of the digest, and the bytes hashed for it. */
async function recordOf(entry: Entry, watch: Watch, buffers: Buffers): Promise<{ record: string; bytes: number }> {
  switch (entry.kind) {
    case "directory": // the directories the walk reads are watched as it reads them
      return { record: `D ${JSON.stringify(entry.path)}\n`, bytes: 0 };
    case "symlink": {
      let target: string;
      try {
        watch(entry.absPath, lstatSync(entry.absPath, { bigint: true }));
        target = readlinkSync(entry.absPath);
      } catch (cause) {
        throw readError(entry.path, entry.absPath, cause);
      }
      return { record: `L ${JSON.stringify(entry.path)} ${JSON.stringify(target)}\n`, bytes: 0 };
    }
    case "extra":
      return {
        record: `F ${JSON.stringify(entry.path)} 644 ${entry.data.length} ${hash("sha256", entry.data)}\n`,
        bytes: entry.data.length,
      };
    case "file":
      return fileRecord(entry, watch, buffers);
  }
}

async function fileRecord(
  entry: Extract<Entry, { kind: "file" }>,
  watch: Watch,
  buffers: Buffers,
): Promise<{ record: string; bytes: number }> {
  let fd = -1;
  try {
    fd = openSync(entry.absPath, OPEN_FLAGS);
    const stats = fstatSync(fd, { bigint: true });
    watch(entry.absPath, stats);
    const size = Number(stats.size);
    const content =
      size <= BLOCK_SIZE ? hashSmallFile(fd, size, buffers.small) : await hashLargeFile(fd, size, buffers.blocks);
    // The archive's modes: 0755 when any execute bit is set, else 0644.
    const mode = stats.mode & 0o111n ? "755" : "644";
    return { record: `F ${JSON.stringify(entry.path)} ${mode} ${size} ${content}\n`, bytes: size };
  } catch (cause) {
    throw readError(entry.path, entry.absPath, cause);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

function hashSmallFile(fd: number, size: number, buffer: Buffer): string {
  const data = buffer.subarray(0, size);
  let done = 0;
  while (done < size) {
    const n = readSync(fd, data, done, size - done, done);
    if (n === 0) throw shrunk();
    done += n;
  }
  return hash("sha256", data);
}

async function hashLargeFile(fd: number, size: number, blocks: Buffer[]): Promise<string> {
  const content = createHash("sha256");
  const readBlock = (index: number): Promise<Buffer> | undefined => {
    const position = index * BLOCK_SIZE;
    if (position >= size) return undefined;
    const block = (blocks[index % 2] as Buffer).subarray(0, Math.min(BLOCK_SIZE, size - position));
    return readFully(fd, block, position);
  };
  let reading = readBlock(0);
  for (let index = 0; reading !== undefined; index++) {
    const block = await reading;
    reading = readBlock(index + 1);
    content.update(block);
  }
  return content.digest("hex");
}

function readFully(fd: number, block: Buffer, position: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    read(fd, block, 0, block.length, position, (error, bytesRead) => {
      if (error) reject(error);
      else if (bytesRead !== block.length) reject(shrunk());
      else resolve(block);
    }),
  );
}

function shrunk(): Error {
  return new Error("the file shrank while it was read");
}

function signature(stats: BigIntStats): string {
  return `${stats.ino}:${stats.size}:${stats.mode}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

function lstatOrUndefined(absPath: string): BigIntStats | undefined {
  return lstatSync(absPath, { bigint: true, throwIfNoEntry: false });
}
