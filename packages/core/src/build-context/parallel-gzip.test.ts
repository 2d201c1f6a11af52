import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { BuildContextError } from "../errors.js";
import { type GzipOutput, looksIncompressible, ParallelGzip, writeStoredBlocks } from "./parallel-gzip.js";

function memoryOutput(): GzipOutput & { data: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    write: (chunk) => chunks.push(chunk),
    blocked: false,
    whenUnblocked: () => Promise.resolve(),
    data: () => Buffer.concat(chunks),
  };
}

async function gzip(input: Buffer, options: ConstructorParameters<typeof ParallelGzip>[1], piece = 10_000) {
  const output = memoryOutput();
  const encoder = new ParallelGzip(output, options);
  for (let offset = 0; offset < input.length; offset += piece) {
    encoder.write(input.subarray(offset, offset + piece));
    if (!encoder.ready) await encoder.whenReady();
  }
  await encoder.end();
  return output.data();
}

const text = (bytes: number): Buffer =>
  Buffer.from(
    Array.from({ length: Math.ceil(bytes / 10) }, (_, i) => `line ${i % 977},value ${(i * 7919) % 10007}\n`)
      .join("")
      .slice(0, bytes),
  );

describe("ParallelGzip", () => {
  const cases: Array<[string, Buffer]> = [
    ["empty", Buffer.alloc(0)],
    ["tiny", Buffer.from("hello")],
    ["exactly two blocks", text(2 * 64 * 1024)],
    ["text over many blocks", text(1_000_000)],
    ["random", randomBytes(300_000)],
    ["mixed", Buffer.concat([text(200_000), randomBytes(200_000), text(200_000), Buffer.alloc(100_000)])],
  ];

  it.each(cases)("round-trips %s as one gzip member", async (_name, input) => {
    const out = await gzip(input, { blockSize: 64 * 1024, concurrency: 3 });
    expect(zlib.gunzipSync(out).equals(input)).toBe(true);
    // one member: header once, trailer = CRC32 and size of the whole input
    expect(out.subarray(0, 4)).toEqual(Buffer.from([0x1f, 0x8b, 8, 0]));
    expect(out.readUInt32LE(4)).toBe(0); // mtime
    expect(out.readUInt32LE(out.length - 8)).toBe(zlib.crc32(input));
    expect(out.readUInt32LE(out.length - 4)).toBe(input.length);
  });

  it("is deterministic whatever the concurrency and the write sizes", async () => {
    const input = Buffer.concat([text(500_000), randomBytes(150_000)]);
    const a = await gzip(input, { blockSize: 64 * 1024, concurrency: 1 }, 1000);
    const b = await gzip(input, { blockSize: 64 * 1024, concurrency: 4 }, 333_333);
    expect(a.equals(b)).toBe(true);
  });

  it("compresses close to single-stream gzip (dictionary carried across blocks)", async () => {
    const input = text(2_000_000);
    const parallel = await gzip(input, { blockSize: 64 * 1024 });
    const single = zlib.gzipSync(input, { level: 1 });
    expect(parallel.length).toBeLessThan(single.length * 1.05);
  });

  it("is accepted by the system gzip", async () => {
    const input = Buffer.concat([text(300_000), randomBytes(100_000)]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "flavorstack-pgz-")), "x.gz");
    try {
      fs.writeFileSync(file, await gzip(input, { blockSize: 64 * 1024 }));
      expect(execFileSync("gzip", ["-dc", file]).equals(input)).toBe(true);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it("waits for a blocked output and keeps the blocks in flight bounded", async () => {
    const chunks: Buffer[] = [];
    let blocked = false;
    let release: () => void = () => {};
    const output: GzipOutput = {
      write: (chunk) => {
        chunks.push(chunk);
        blocked = true;
      },
      get blocked() {
        return blocked;
      },
      whenUnblocked: () =>
        new Promise<void>((resolve) => {
          release = () => {
            blocked = false;
            resolve();
          };
        }),
    };
    blocked = false;
    const encoder = new ParallelGzip(output, {
      blockSize: 64 * 1024,
      concurrency: 2,
    });
    expect(encoder.ready).toBe(false); // the header blocked the output
    const ready = encoder.whenReady();
    release();
    await ready;
    encoder.write(text(64 * 1024));
    encoder.write(text(64 * 1024));
    expect(encoder.ready).toBe(false); // two blocks in flight
    const input = Buffer.concat([text(64 * 1024), text(64 * 1024)]);
    const done = encoder.end();
    // keep releasing until everything is written
    const pump = setInterval(() => release(), 1);
    await done;
    clearInterval(pump);
    expect(zlib.gunzipSync(Buffer.concat(chunks)).equals(input)).toBe(true);
  });

  it("rejects an invalid level", () => {
    expect(() => new ParallelGzip(memoryOutput(), { level: 10 })).toThrow(BuildContextError);
    expect(() => new ParallelGzip(memoryOutput(), { level: 1.5 })).toThrow(BuildContextError);
  });
});

describe("writeStoredBlocks", () => {
  it("writes stored blocks that inflate back, chained after another block and finished", () => {
    for (const size of [0, 1, 65_535, 65_536, 200_000]) {
      const input = randomBytes(size);
      const target = Buffer.alloc(size + 5 * (Math.ceil(size / 65_535) + 1));
      // A non-final stored run, then a final one: one raw deflate stream.
      const first = writeStoredBlocks(input, target, false);
      const tail = Buffer.from("the end");
      const second = Buffer.alloc(tail.length + 5);
      const secondLength = writeStoredBlocks(tail, second, true);
      const inflated = zlib.inflateRawSync(
        Buffer.concat([target.subarray(0, first), second.subarray(0, secondLength)]),
      );
      expect(inflated.equals(Buffer.concat([input, tail]))).toBe(true);
      expect(first).toBe(size + 5 * Math.max(1, Math.ceil(size / 65_535)));
    }
  });

  it("is what incompressible blocks become in the gzip stream", async () => {
    const input = randomBytes(3 * 1024 * 1024 + 17);
    const output = await gzip(input, { concurrency: 2 });
    expect(zlib.gunzipSync(output).equals(input)).toBe(true);
    expect(output.length).toBeLessThan(input.length + 1024);
  });
});

describe("looksIncompressible", () => {
  it("flags random data only", () => {
    expect(looksIncompressible(randomBytes(1024 * 1024))).toBe(true);
    expect(looksIncompressible(text(1024 * 1024))).toBe(false);
    expect(looksIncompressible(Buffer.alloc(1024 * 1024))).toBe(false);
    // high byte entropy but short repeats: deflate still gains, so it is compressed
    const chunk = randomBytes(2048);
    expect(looksIncompressible(Buffer.concat(Array.from({ length: 512 }, () => chunk)))).toBe(false);
  });
});
