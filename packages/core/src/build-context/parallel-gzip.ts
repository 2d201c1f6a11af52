import { availableParallelism } from "node:os";
import zlib from "node:zlib";
import { BuildContextError } from "../errors.js";

/** Where {@link ParallelGzip} writes its output, in order. */
export interface GzipOutput {
  /**
   * Takes `chunk`; calls `flushed` (if given) once the chunk's memory may be
   * reused, i.e. the consumer is done with it. Never called on failure, nor
   * when the consumer may keep the chunk.
   */
  write(chunk: Buffer, flushed?: () => void): void;
  /** True while the consumer wants no more data. */
  readonly blocked: boolean;
  /** Resolves when no longer blocked; rejects if the consumer failed. */
  whenUnblocked(): Promise<void>;
}

export interface ParallelGzipOptions {
  /** zlib level 0–9; default 1. */
  level?: number;
  /** Uncompressed bytes per block; default 1 MiB. */
  blockSize?: number;
  /** Blocks compressed at once; default from the cores and UV_THREADPOOL_SIZE. */
  concurrency?: number;
}

const WINDOW = 32 * 1024;
/** zlib's fastest hash-table size: same ratio, ~20% less CPU than the default 8. */
const MEM_LEVEL = 9;
/** Bits per byte above which a block is taken for already-compressed data. */
const INCOMPRESSIBLE_ENTROPY = 7.95;
const ENTROPY_SAMPLES = 16 * 1024;
const PROBE_SIZE = 8 * 1024;
const DEFAULT_BLOCK_SIZE = 1024 * 1024;
const GZIP_OS_UNIX = 3;

/**
 * Blocks deflated at once: one more than the cores (to hide the main
 * thread's hand-over), but one libuv thread left for file reads.
 */
function defaultConcurrency(): number {
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism() + 1, poolSize - 1));
}

/**
 * A gzip encoder that compresses on libuv's thread pool, like pigz: the input
 * is cut into blocks, each block is raw-deflated asynchronously with the
 * previous 32 KiB as its dictionary and sync-flushed (the last one finished),
 * and the blocks are written in order behind one gzip header (no name,
 * mtime 0) and before one trailer (CRC32 of the whole input, size mod 2^32).
 * The result is a single valid gzip member, byte-identical for the same input
 * and options.
 *
 * A block that looks already compressed (byte entropy of a sample near 8
 * bits, and a deflate probe of 8 KiB gains nothing) is stored (level 0)
 * instead: deflating random data costs ~10x the time for no gain (zstd and
 * others skip such data too). The decision depends on the bytes only, so the
 * output stays deterministic.
 *
 * Memory stays bounded: at most `concurrency` blocks are in flight;
 * {@link ready} turns false beyond that, or while the output is blocked.
 */
export class ParallelGzip {
  /** write() copies its input: the caller may reuse a chunk once write() returns. */
  readonly copies = true;
  readonly #level: number;
  readonly #blockSize: number;
  readonly #concurrency: number;
  readonly #chunkSize: number;
  readonly #free: Buffer[] = [];
  readonly #done = new Map<number, { chunks: Buffer[]; output: Buffer | undefined }>();
  /** Recycled deflate output buffers (returned once the output flushed them). */
  readonly #outputs: Buffer[] = [];
  readonly #waiters: Array<{
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];
  #block: Buffer;
  #fill = 0;
  #nextId = 0;
  #nextOut = 0;
  #pending = 0;
  #crc = 0;
  #size = 0;
  #dictionary: Buffer | undefined;
  #error: unknown;
  #ended = false;

  readonly #output: GzipOutput;

  constructor(output: GzipOutput, options: ParallelGzipOptions = {}) {
    this.#output = output;
    const level = options.level ?? 1;
    if (!Number.isInteger(level) || level < 0 || level > 9) {
      throw new BuildContextError(`Invalid gzip level ${level}: use an integer from 0 (none) to 9 (best).`);
    }
    this.#level = level;
    this.#blockSize = Math.max(WINDOW, options.blockSize ?? DEFAULT_BLOCK_SIZE);
    this.#concurrency = Math.max(1, options.concurrency ?? defaultConcurrency());
    // room for the whole deflated block (deflateBound plus the flush marker)
    this.#chunkSize = this.#blockSize + (this.#blockSize >> 10) + 1024;
    this.#block = Buffer.allocUnsafe(this.#blockSize);
    const xfl = level === 9 ? 2 : level <= 1 ? 4 : 0;
    output.write(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, GZIP_OS_UNIX]));
  }

  /** Whether more input is welcome now. */
  get ready(): boolean {
    return this.#error === undefined && this.#pending < this.#concurrency && !this.#output.blocked;
  }

  /** Resolves when {@link ready}; rejects once compression or output failed. */
  whenReady(): Promise<void> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (this.#output.blocked) this.#watchOutput();
    });
  }

  /** Adds input (copied; the caller may reuse `chunk`). Never blocks. */
  write(chunk: Uint8Array): void {
    if (this.#ended) throw new Error("ParallelGzip: write after end");
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(this.#blockSize - this.#fill, chunk.length - offset);
      this.#block.set(n === chunk.length ? chunk : chunk.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === this.#blockSize) this.#submit(false);
    }
  }

  /** Compresses what is left and writes the trailer; resolves when all is written. */
  async end(): Promise<void> {
    if (this.#ended) throw new Error("ParallelGzip: end called twice");
    this.#submit(true);
    this.#ended = true;
    while (this.#pending > 0) {
      if (this.#error !== undefined) throw this.#error;
      await new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    }
    if (this.#error !== undefined) throw this.#error;
    const trailer = Buffer.allocUnsafe(8);
    trailer.writeUInt32LE(this.#crc >>> 0, 0);
    trailer.writeUInt32LE(this.#size >>> 0, 4);
    this.#output.write(trailer);
  }

  #submit(final: boolean): void {
    const id = this.#nextId++;
    const buffer = this.#block;
    const input = buffer.subarray(0, this.#fill);
    this.#crc = zlib.crc32(input, this.#crc);
    this.#size = (this.#size + input.length) % 0x1_0000_0000;
    const dictionary = this.#dictionary;
    const level = this.#level > 0 && looksIncompressible(input) ? 0 : this.#level;
    if (!final) this.#dictionary = Buffer.from(input.subarray(input.length - WINDOW));
    this.#block = this.#free.pop() ?? Buffer.allocUnsafe(this.#blockSize);
    this.#fill = 0;
    this.#pending++;

    if (level === 0) {
      // Stored blocks are written here: a zlib stream would allocate ~450 KiB of
      // state per block only to copy the bytes, and that churn of large native
      // allocations keeps the process's RSS creeping up on long inputs.
      const output = this.#outputs.pop() ?? Buffer.allocUnsafe(this.#chunkSize);
      const length = writeStoredBlocks(input, output, final);
      if (this.#free.length <= this.#concurrency) this.#free.push(buffer);
      this.#done.set(id, { chunks: [output.subarray(0, length)], output });
      queueMicrotask(() => this.#flushInOrder());
      return;
    }

    const options: zlib.ZlibOptions = {
      level,
      memLevel: MEM_LEVEL,
      finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
      ...(dictionary ? { dictionary } : {}),
    };
    // Deflate into a recycled output buffer rather than a fresh one per block:
    // otherwise every block leaves ~1 MiB of garbage that the GC only collects
    // once tens of MiB have piled up. zlib.js keeps its output buffer in the
    // internal `_outBuffer`/`_chunkSize` fields (unchanged since Node 0.x):
    // the engine is made with the smallest chunk size, then given ours. If
    // those fields ever change shape, a plain engine is used instead.
    let engine = zlib.createDeflateRaw({
      ...options,
      chunkSize: zlib.constants.Z_MIN_CHUNK,
    });
    const internal = engine as unknown as {
      _outBuffer?: unknown;
      _outOffset?: unknown;
      _chunkSize?: unknown;
    };
    let output: Buffer | undefined;
    if (
      Buffer.isBuffer(internal._outBuffer) &&
      internal._chunkSize === zlib.constants.Z_MIN_CHUNK &&
      internal._outOffset === 0
    ) {
      output = this.#outputs.pop() ?? Buffer.allocUnsafe(this.#chunkSize);
      internal._outBuffer = output;
      internal._chunkSize = this.#chunkSize;
    } else {
      engine.close();
      engine = zlib.createDeflateRaw({ ...options, chunkSize: this.#chunkSize });
    }
    const chunks: Buffer[] = [];
    engine.on("data", (chunk: Buffer) => chunks.push(chunk));
    engine.on("error", (error: Error) => this.#fail(error));
    engine.on("end", () => {
      if (this.#free.length <= this.#concurrency) this.#free.push(buffer);
      this.#done.set(id, { chunks, output });
      this.#flushInOrder();
    });
    engine.end(input);
  }

  #flushInOrder(): void {
    if (this.#error !== undefined) return;
    for (;;) {
      const result = this.#done.get(this.#nextOut);
      if (result === undefined) break;
      this.#done.delete(this.#nextOut);
      this.#nextOut++;
      this.#pending--;
      const { chunks, output } = result;
      const recycle = output
        ? () => {
            if (this.#outputs.length <= this.#concurrency * 2) this.#outputs.push(output);
          }
        : undefined;
      try {
        if (chunks.length === 0 && recycle) recycle();
        for (let i = 0; i < chunks.length; i++) {
          this.#output.write(chunks[i] as Buffer, i === chunks.length - 1 ? recycle : undefined);
        }
      } catch (error) {
        this.#fail(error);
        return;
      }
    }
    this.#notify();
  }

  #watching = false;

  #watchOutput(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.#output.whenUnblocked().then(
      () => {
        this.#watching = false;
        this.#notify();
      },
      (error: unknown) => {
        this.#watching = false;
        this.#fail(error);
      },
    );
  }

  #notify(): void {
    if (this.#waiters.length === 0) return;
    if (this.#ended) {
      // end() waits for all blocks, whatever the output's state
      for (const waiter of this.#waiters.splice(0)) waiter.resolve();
      return;
    }
    if (this.#output.blocked) {
      this.#watchOutput();
      return;
    }
    if (this.ready) for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  #fail(error: unknown): void {
    if (this.#error === undefined) this.#error = error ?? new Error("gzip failed");
    this.#done.clear();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#error);
  }
}

/** Longest stored deflate block (RFC 1951 §3.2.4: LEN is 16 bits). */
const MAX_STORED = 0xffff;

/**
 * Writes `input` as deflate stored blocks into `target` (which must have room
 * for 5 header bytes per 64 KiB), the last one marked final when `final`.
 * Every block starts and ends on a byte boundary, so the result can follow
 * a sync-flushed block. Returns the bytes written.
 */
export function writeStoredBlocks(input: Uint8Array, target: Buffer, final: boolean): number {
  let written = 0;
  let offset = 0;
  do {
    const length = Math.min(MAX_STORED, input.length - offset);
    target[written] = final && offset + length === input.length ? 1 : 0;
    target.writeUInt16LE(length, written + 1);
    target.writeUInt16LE(length ^ 0xffff, written + 3);
    target.set(input.subarray(offset, offset + length), written + 5);
    written += 5 + length;
    offset += length;
  } while (offset < input.length);
  return written;
}

/**
 * Whether deflating `block` would gain nothing: the byte entropy of a strided
 * sample is near 8 bits and a level-1 probe of 8 KiB from its middle does not
 * shrink (which catches short repeats that entropy alone misses).
 */
export function looksIncompressible(block: Uint8Array): boolean {
  if (block.length < PROBE_SIZE) return false;
  const counts = new Uint32Array(256);
  const stride = Math.max(1, Math.floor(block.length / ENTROPY_SAMPLES));
  let samples = 0;
  for (let i = 0; i < block.length; i += stride) {
    const byte = block[i] as number;
    counts[byte] = (counts[byte] as number) + 1;
    samples++;
  }
  let entropy = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / samples;
    entropy -= p * Math.log2(p);
  }
  if (entropy < INCOMPRESSIBLE_ENTROPY) return false;
  const start = Math.floor((block.length - PROBE_SIZE) / 2);
  const probe = zlib.deflateRawSync(block.subarray(start, start + PROBE_SIZE), {
    level: 1,
  });
  return probe.length >= PROBE_SIZE * 0.98;
}
