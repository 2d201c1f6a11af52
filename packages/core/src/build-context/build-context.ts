import path from "node:path";
import type { Writable } from "node:stream";
import { consoleLogger, type Logger } from "../logger.js";
import type { ContextSource } from "./context-archive.js";
import type { ContextDigest } from "./context-digest.js";
import { buildVirtualTree } from "./extra-files.js";

/** The gzip level {@link BuildContext.writeArchive} uses by default: fast. */
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
  /**
   * Where {@link BuildContext.digest} keeps digests to reuse while the context is unchanged (checked by stat data);
   * `false` for none. Default: `$FLAVORSTACK_CACHE_DIR`, else `$XDG_CACHE_HOME/flavorstack`, else
   * `~/.cache/flavorstack`.
   */
  cacheDir?: string | false;
}

export interface ArchiveOptions {
  /** gzip the tar (default true); false writes a plain tar. */
  gzip?: boolean;
  /** gzip level 0–9; default {@link DEFAULT_COMPRESSION_LEVEL}. */
  level?: number;
  /** Called with the bytes written to the sink so far, after each write. */
  onProgress?: (bytes: number) => void;
}

export interface ArchiveResult {
  /** Bytes written to the sink. */
  bytes: number;
  /** sha256 (hex) of exactly those bytes. */
  sha256: string;
}

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
  readonly #source: ContextSource;
  readonly #cacheDir: string | false | undefined;

  constructor(options: BuildContextOptions) {
    this.root = path.resolve(options.root);
    this.#source = {
      root: this.root,
      dockerignoreFile: options.dockerignoreFile,
      extras: buildVirtualTree(options.extraFiles ?? {}),
      logger: options.logger ?? consoleLogger,
    };
    this.#cacheDir = options.cacheDir;
  }

  /** Sorted relative paths of the archive's non-directory entries (files and symlinks). */
  async files(): Promise<string[]> {
    const { listContextFiles } = await import("./context-archive.js");
    return listContextFiles(this.#source);
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
    // The machinery loads on the first call. Until it listens to the sink, an error the sink emits must not go
    // unhandled (and crash the process): this listener takes it, and the machinery finds it in `sink.errored`.
    const holdError = () => {};
    sink.on("error", holdError);
    try {
      const { writeContextArchive } = await import("./context-archive.js");
      sink.off("error", holdError);
      return await writeContextArchive(this.#source, sink, {
        gzip: options.gzip ?? true,
        level: options.level ?? DEFAULT_COMPRESSION_LEVEL,
        onProgress: options.onProgress,
      });
    } catch (error) {
      if (!sink.destroyed) sink.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  /**
   * The context's content address: a sha256 (hex) over the archive's entries in order — kind, path, normalised mode,
   * and the sha256 of each file's content or a link's target. The same tree gives the same checksum wherever it
   * lives and whatever its timestamps, as the archive does; it does not depend on the gzip level or on zlib's
   * version. It costs a read of the files, hashed on libuv's thread pool in parallel, and no archive.
   */
  async checksum(): Promise<string> {
    return (await this.digest()).sha256;
  }

  /**
   * {@link checksum}, with `unchanged()`: whether the files and directories are still as they were when digested
   * (a check of their stat data, no read). An upload named by the checksum calls it once the archive is written.
   * Digests are cached (see `cacheDir`): an unchanged context is not read again.
   */
  async digest(): Promise<ContextDigest> {
    const { digestContext, defaultCacheDir } = await import("./context-digest.js");
    const cacheDir = this.#cacheDir === undefined ? defaultCacheDir() : this.#cacheDir || undefined;
    return digestContext(this.#source, cacheDir);
  }
}
