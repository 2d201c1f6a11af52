import { Readable, Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { ArtifactStoreError } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import { type ContractContext, rejectionOf } from "./contract-context.js";
import { generatedBytes, hashStream } from "./stream-data.js";

/** Reading and writing files, whole and streamed; atomic visibility. */
export function describeReadWriteContract(context: ContractContext, streamBytes: number): void {
  describe("reading and writing", () => {
    it("round-trips text and bytes and overwrites", async () => {
      await context.store.writeFile("t.txt", "héllo");
      expect((await context.store.readFile("t.txt")).toString("utf8")).toBe("héllo");
      const bytes = new Uint8Array([0, 1, 2, 255, 254]);
      await context.store.writeFile(context.store.join("b.bin"), bytes);
      expect(await context.store.readFile("b.bin")).toEqual(Buffer.from(bytes));
      await context.store.writeFile("t.txt", "second");
      expect((await context.store.readFile(context.store.resolve("t.txt"))).toString()).toBe("second");
      await context.store.writeFile("empty", "");
      expect(await context.store.readFile("empty")).toEqual(Buffer.alloc(0));
      expect(await context.store.size("empty")).toBe(0);
    });

    it("creates missing parent directories on write", async () => {
      await context.store.writeFile("p/q/r/file.txt", "deep");
      expect(await context.store.isdir("p/q/r")).toBe(true);
      expect((await context.store.readFile("p/q/r/file.txt")).toString()).toBe("deep");
    });

    it("opens streams by mode", async () => {
      const writer = await context.store.open("m.txt", "wb");
      expect(writer).toBeInstanceOf(Writable);
      await pipeline(Readable.from([Buffer.from("by "), Buffer.from("mode")]), writer);
      for (const mode of ["r", "rb"] as const) {
        const reader = await context.store.open("m.txt", mode);
        expect(reader).toBeInstanceOf(Readable);
        const chunks: Buffer[] = [];
        for await (const chunk of reader) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks).toString()).toBe("by mode");
      }
      const defaultMode = await context.store.open("m.txt");
      defaultMode.destroy();
      const textWriter = await context.store.open("m2.txt", "w");
      textWriter.end("text");
      await finished(textWriter);
      expect((await context.store.readFile("m2.txt")).toString()).toBe("text");
      // @ts-expect-error: an invalid mode is refused at run time too
      await expect(context.store.open("m.txt", "a")).rejects.toThrow(/Unsupported open mode 'a'.*Use "r"/);
    });

    it("makes a written file visible only once the stream has finished", async () => {
      await context.store.writeFile("v.txt", "old");
      const writer = await context.store.openWrite("v.txt");
      const fresh = await context.store.openWrite("fresh.txt");
      writer.write("new ");
      fresh.write("partial");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await context.store.readFile("v.txt")).toString()).toBe("old");
      expect(await context.store.exists("fresh.txt")).toBe(false);
      writer.end("content");
      fresh.end();
      await Promise.all([finished(writer), finished(fresh)]);
      expect((await context.store.readFile("v.txt")).toString()).toBe("new content");
      expect((await context.store.readFile("fresh.txt")).toString()).toBe("partial");
    });

    it("leaves nothing behind when a write stream is destroyed", async () => {
      await context.store.writeFile("keep/old.txt", "old");
      const replaced = await context.store.openWrite("keep/old.txt");
      const created = await context.store.openWrite("gone/new.txt");
      const closed = (stream: Writable) => new Promise((resolve) => stream.once("close", resolve));
      const bothClosed = Promise.all([closed(replaced), closed(created)]);
      const errors: unknown[] = [];
      replaced.on("error", (error) => errors.push(error));
      replaced.write("half");
      created.write("half");
      await new Promise((resolve) => setTimeout(resolve, 20));
      replaced.destroy(new Error("simulated failure"));
      created.destroy();
      await bothClosed;
      expect(errors).toHaveLength(1);
      expect((await context.store.readFile("keep/old.txt")).toString()).toBe("old");
      expect(await context.store.exists("gone/new.txt")).toBe(false);
      expect(await context.store.glob("gone/*")).toEqual([]);
      expect(await context.store.listdir("keep")).toEqual(["old.txt"]);
    });

    it(`streams ${streamBytes} bytes in bounded chunks`, async () => {
      const expected = await hashStream(generatedBytes(streamBytes));
      await pipeline(generatedBytes(streamBytes), await context.store.openWrite("big/blob.bin"));
      expect(await context.store.size("big/blob.bin")).toBe(streamBytes);
      const actual = await hashStream(await context.store.openRead("big/blob.bin"));
      expect(actual.bytes).toBe(streamBytes);
      expect(actual.sha256).toBe(expected.sha256);
      expect(actual.maxChunk).toBeLessThanOrEqual(4 * 1024 * 1024);
    });

    it("reports a missing file with its path and the cause", async () => {
      const missing = context.store.resolve("nope/missing.txt");
      for (const attempt of [
        () => context.store.readFile("nope/missing.txt"),
        () => context.store.openRead("nope/missing.txt"),
        () => context.store.stat("nope/missing.txt"),
        () => context.store.size("nope/missing.txt"),
        () => context.store.remove("nope/missing.txt"),
      ]) {
        const error = await rejectionOf(attempt);
        expect(error).toBeInstanceOf(ArtifactStoreError);
        expect((error as Error).message).toContain(`\`${missing}\``);
        expect((error as Error).message).toMatch(/does not exist/);
        expect((error as Error).cause).toBeDefined();
      }
    });
  });
}
