import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** A deterministic pseudo-random stream of `total` bytes in `chunkSize` chunks, generated lazily. */
export function generatedBytes(total: number, chunkSize = 64 * 1024, seed = 1): Readable {
  let produced = 0;
  let state = seed >>> 0 || 1;
  return new Readable({
    read() {
      if (produced >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(chunkSize, total - produced);
      const chunk = Buffer.allocUnsafe(size);
      for (let i = 0; i < size; i += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        if (i + 4 <= size) chunk.writeUInt32LE(state, i);
        else for (let j = i; j < size; j++) chunk[j] = (state >>> ((j - i) * 8)) & 0xff;
      }
      produced += size;
      this.push(chunk);
    },
  });
}

/** Hashes a stream incrementally (never holding it whole); also reports the largest chunk seen. */
export async function hashStream(stream: Readable): Promise<{ sha256: string; bytes: number; maxChunk: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  let maxChunk = 0;
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        maxChunk = Math.max(maxChunk, chunk.length);
        callback();
      },
    }),
  );
  return { sha256: hash.digest("hex"), bytes, maxChunk };
}
