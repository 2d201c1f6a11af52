import { createHash, type Hash } from "node:crypto";
import { WriteStream } from "node:fs";
import { Socket } from "node:net";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { BuildContextError } from "../errors.js";
import type { GzipOutput } from "./parallel-gzip.js";
import { RELEASES_CHUNKS } from "./releases-chunks.js";

/**
 * Whether `sink` is done with a chunk once it calls back. A Writable's callback says the chunk was handled, not that
 * it was let go: a PassThrough, or an SDK's upload body, still holds it in a queue, and reusing its memory would
 * change what they upload. Files and sockets (the OS has the bytes) and marked sinks are safe.
 */
function releasesChunks(sink: Writable): boolean {
  return (
    sink instanceof WriteStream ||
    sink instanceof Socket ||
    (sink as { [RELEASES_CHUNKS]?: boolean })[RELEASES_CHUNKS] === true
  );
}

/** The caller's sink, with byte count, sha256 and drain tracking. */
export class SinkOutput implements GzipOutput {
  readonly hash: Hash = createHash("sha256");
  bytes = 0;
  #needDrain = false;
  #error: unknown;
  #waiters: Array<{
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];

  readonly #sink: Writable;
  readonly #releasesChunks: boolean;
  readonly #onProgress: ((bytes: number) => void) | undefined;

  constructor(sink: Writable, onProgress?: (bytes: number) => void) {
    this.#sink = sink;
    this.#onProgress = onProgress;
    this.#releasesChunks = releasesChunks(sink);
    if (sink.errored) this.#fail(sink.errored);
    else if (sink.destroyed) this.#fail(closedEarly());
    sink.on("error", (error) => this.#fail(error));
    sink.on("close", () => this.#fail(closedEarly()));
    sink.on("drain", () => {
      this.#needDrain = false;
      for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    });
  }

  get blocked(): boolean {
    return this.#needDrain || this.#error !== undefined;
  }

  write(chunk: Buffer, flushed?: () => void): void {
    if (this.#error !== undefined) throw this.#error;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    const written =
      flushed && this.#releasesChunks
        ? this.#sink.write(chunk, (error) => {
            if (!error) flushed();
          })
        : this.#sink.write(chunk);
    if (!written) this.#needDrain = true;
    try {
      this.#onProgress?.(this.bytes);
    } catch {
      // a throwing progress callback must not break the archive
    }
  }

  whenUnblocked(): Promise<void> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (!this.#needDrain) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async finish(): Promise<void> {
    if (this.#error !== undefined) throw this.#error;
    this.#sink.end();
    await finished(this.#sink, { readable: false });
  }

  #fail(error: unknown): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}

function closedEarly(): BuildContextError {
  return new BuildContextError("The archive sink closed before the archive was written.");
}
