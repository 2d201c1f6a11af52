import type { FileHandle } from "node:fs/promises";
import * as fs from "node:fs/promises";
import { Writable } from "node:stream";
import type { ArtifactStoreError } from "../../errors.js";

const WRITE_HIGH_WATER_MARK = 64 * 1024;

/**
 * Writes into a temporary file and renames it onto the target in `final`, so `finish` is emitted
 * only once the target holds the complete data. Destroyed or failed before that: the temporary
 * file is removed and the target left untouched.
 */
export class AtomicFileWriter extends Writable {
  readonly #handle: FileHandle;
  readonly #tempPath: string;
  readonly #target: string;
  readonly #wrapError: (operation: string, cause: unknown) => ArtifactStoreError;
  #closed = false;
  #committed = false;

  constructor(
    handle: FileHandle,
    tempPath: string,
    target: string,
    wrapError: (operation: string, cause: unknown) => ArtifactStoreError,
  ) {
    super({ highWaterMark: WRITE_HIGH_WATER_MARK });
    this.#handle = handle;
    this.#tempPath = tempPath;
    this.#target = target;
    this.#wrapError = wrapError;
  }

  override _write(chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk, encoding) : (chunk as Uint8Array);
    this.#writeAll(buffer).then(
      () => callback(),
      (error: unknown) => callback(this.#wrapError("write", error)),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      this.#closed = true;
      await this.#handle.close();
      await fs.rename(this.#tempPath, this.#target);
      this.#committed = true;
    })().then(
      () => callback(),
      (error: unknown) => callback(this.#wrapError("write", error)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#committed) {
      callback(error);
      return;
    }
    (async () => {
      if (!this.#closed) {
        this.#closed = true;
        await this.#handle.close().catch(() => {});
      }
      await fs.rm(this.#tempPath, { force: true }).catch(() => {});
    })().then(() => callback(error));
  }

  async #writeAll(buffer: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < buffer.byteLength) {
      const { bytesWritten } = await this.#handle.write(buffer, offset, buffer.byteLength - offset);
      offset += bytesWritten;
    }
  }
}
