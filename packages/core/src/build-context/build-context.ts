import path from "node:path";
import type { Writable } from "node:stream";
import { consoleLogger, type Logger } from "../logger.js";
import type { ContextSource } from "./context-archive.js";
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
}

export interface ArchiveOptions {
  /** gzip the tar (default true); false writes a plain tar. */
  gzip?: boolean;
  /** gzip level 0–9; default {@link DEFAULT_COMPRESSION_LEVEL}. */
  level?: number;
  /**
   * Also hash the uncompressed tar into the result's `tarSha256` while gzipping (one more sha256 pass over the
   * tar; a plain tar always has it). Used to check that an upload holds the context {@link BuildContext.checksum}
   * named.
   */
  hashTar?: boolean;
}

export interface ArchiveResult {
  /** Bytes written to the sink. */
  bytes: number;
  /** sha256 (hex) of exactly those bytes. */
  sha256: string;
  /** sha256 (hex) of the uncompressed tar: with `gzip: false` (then equal to `sha256`), or with `hashTar`. */
  tarSha256?: string;
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

  constructor(options: BuildContextOptions) {
    this.root = path.resolve(options.root);
    this.#source = {
      root: this.root,
      dockerignoreFile: options.dockerignoreFile,
      extras: buildVirtualTree(options.extraFiles ?? {}),
      logger: options.logger ?? consoleLogger,
    };
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
        hashTar: options.hashTar ?? false,
      });
    } catch (error) {
      if (!sink.destroyed) sink.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  /**
   * The context's content address: sha256 (hex) of its uncompressed tar, streamed into the hash and not kept.
   * It does not depend on the gzip level or on zlib's version (compressed bytes may change between Node
   * releases), and costs a read of the files and one hash, no compression.
   */
  async checksum(): Promise<string> {
    const { discardingSink } = await import("./context-archive.js");
    return (await this.writeArchive(discardingSink(), { gzip: false })).sha256;
  }
}
