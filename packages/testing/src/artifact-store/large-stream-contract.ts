import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import type { ContractContext } from "./contract-context.js";
import { generatedBytes, hashStream } from "./stream-data.js";

const MIB = 1024 * 1024;
/** Often enough to see a peak: a 64 KiB chunk goes through in well under this. */
const RSS_SAMPLE_INTERVAL_MS = 5;
/** Another seed than the small stream's: a store cannot pass by having kept that one. */
const LARGE_STREAM_SEED = 7;

/** Samples this process's resident set size until stopped; reports how far it grew above where it started. */
function sampleRss(): { stop(): { baseline: number; peak: number } } {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, RSS_SAMPLE_INTERVAL_MS);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return { baseline, peak };
    },
  };
}

const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

/**
 * A big file written and read back through the store's streams, generated as it streams (never
 * held whole): the sha256 must match and the process's memory must stay bounded, so a store that
 * buffers a whole file, or a whole multipart upload, fails.
 */
export function describeLargeStreamContract(
  context: ContractContext,
  options: { largeStreamBytes: number; largeStreamRssBound: number; timeout: number },
): void {
  const { largeStreamBytes, largeStreamRssBound, timeout } = options;

  describe("a large streamed file", { timeout }, () => {
    it(`writes and reads back ${mib(largeStreamBytes)} with at most ${mib(largeStreamRssBound)} more RSS`, async (test) => {
      const expected = await hashStream(generatedBytes(largeStreamBytes, undefined, LARGE_STREAM_SEED));
      const rss = sampleRss();
      let actual: Awaited<ReturnType<typeof hashStream>>;
      let size: number;
      let growth: number;
      try {
        await pipeline(
          generatedBytes(largeStreamBytes, undefined, LARGE_STREAM_SEED),
          await context.store.openWrite("large/blob.bin"),
        );
        size = await context.store.size("large/blob.bin");
        actual = await hashStream(await context.store.openRead("large/blob.bin"));
      } finally {
        const { baseline, peak } = rss.stop();
        growth = peak - baseline;
        await test.annotate(`RSS ${mib(baseline)} → peak ${mib(peak)} (grew ${mib(growth)})`);
      }
      expect(growth, `the test process's RSS grew by ${mib(growth)} while streaming`).toBeLessThanOrEqual(
        largeStreamRssBound,
      );
      expect(size).toBe(largeStreamBytes);
      expect(actual.bytes).toBe(largeStreamBytes);
      expect(actual.sha256).toBe(expected.sha256);
    });
  });
}
