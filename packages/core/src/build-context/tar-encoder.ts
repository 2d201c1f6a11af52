import type { SinkOutput } from "./sink-output.js";

/** Small tar chunks are coalesced into writes of this size. */
const PLAIN_COALESCE = 64 * 1024;

/** What the tar producer writes the tar into: {@link PlainTar} or `ParallelGzip`. */
export interface TarEncoder {
  /** Whether write() copies its input (so read buffers can be recycled after it). */
  readonly copies: boolean;
  write(chunk: Uint8Array): void;
  readonly ready: boolean;
  whenReady(): Promise<void>;
  end(): Promise<void>;
}

/** A plain tar: small chunks coalesced into larger writes. */
export class PlainTar implements TarEncoder {
  readonly copies = false;
  #buffer = Buffer.allocUnsafe(PLAIN_COALESCE);
  #fill = 0;

  readonly #output: SinkOutput;

  constructor(output: SinkOutput) {
    this.#output = output;
  }

  get ready(): boolean {
    return !this.#output.blocked;
  }

  whenReady(): Promise<void> {
    return this.#output.whenUnblocked();
  }

  write(chunk: Uint8Array): void {
    if (this.#fill + chunk.length > PLAIN_COALESCE) this.#flush();
    if (chunk.length >= PLAIN_COALESCE) {
      this.#output.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      return;
    }
    this.#buffer.set(chunk, this.#fill);
    this.#fill += chunk.length;
  }

  async end(): Promise<void> {
    this.#flush();
  }

  #flush(): void {
    if (this.#fill === 0) return;
    this.#output.write(this.#buffer.subarray(0, this.#fill));
    this.#buffer = Buffer.allocUnsafe(PLAIN_COALESCE);
    this.#fill = 0;
  }
}
