import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArtifactStoreError } from "../../errors.js";
import type { ArtifactStore, ArtifactStoreWalkEntry } from "../artifact-store.js";

/** What a contract run needs: a store on an empty root, and how to dispose of it. */
export interface ArtifactStoreContractFixture {
  store: ArtifactStore;
  cleanup(): Promise<void>;
}

/** Options of {@link describeArtifactStoreContract}. */
export interface ArtifactStoreContractOptions {
  /** Size of the streamed file of the streaming test (default 8 MiB). */
  streamBytes?: number;
  /** Per-test timeout in ms (default 30 s). */
  timeout?: number;
}

async function collect(iterable: AsyncIterable<ArtifactStoreWalkEntry>): Promise<ArtifactStoreWalkEntry[]> {
  const entries: ArtifactStoreWalkEntry[] = [];
  for await (const [dir, dirs, files] of iterable) entries.push([dir, [...dirs], [...files]]);
  return entries;
}

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

/**
 * The behaviour every {@link ArtifactStore} must have, as a vitest suite. `setup` is called before
 * each test and must give a store whose root is empty (it need not exist yet); `cleanup` is called
 * after each test. Only files create directories here, so stores without real directories
 * (S3, GCS) pass as well.
 *
 * ```ts
 * describeArtifactStoreContract("LocalArtifactStore", async () => {
 *   const dir = await mkdtemp(join(tmpdir(), "store-"));
 *   return { store: new LocalArtifactStore({ path: dir }), cleanup: () => rm(dir, { recursive: true }) };
 * });
 * ```
 */
export function describeArtifactStoreContract(
  name: string,
  setup: () => Promise<ArtifactStoreContractFixture>,
  options: ArtifactStoreContractOptions = {},
): void {
  const streamBytes = options.streamBytes ?? 8 * 1024 * 1024;
  const timeout = options.timeout ?? 30_000;

  describe(`ArtifactStore contract: ${name}`, { timeout }, () => {
    let store: ArtifactStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const fixture = await setup();
      store = fixture.store;
      cleanup = fixture.cleanup;
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    /** a.txt, d/b.txt, d/e/c.txt, d/f/g.txt */
    async function writeTree(): Promise<void> {
      await store.writeFile("a.txt", "a");
      await store.writeFile("d/b.txt", "b");
      await store.writeFile("d/e/c.txt", "c");
      await store.writeFile("d/f/g.txt", "g");
    }

    describe("paths", () => {
      it("has a normalised root with a supported scheme", () => {
        expect(store.type).toBe("artifact_store");
        expect(store.path.endsWith("/") && store.path.length > 1).toBe(false);
        expect(store.supportedSchemes.length).toBeGreaterThan(0);
        expect(
          store.supportedSchemes.some((scheme) =>
            scheme === "" ? !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(store.path) : store.path.startsWith(scheme),
          ),
        ).toBe(true);
      });

      it("resolves relative and absolute paths to the same normalised path", () => {
        expect(store.resolve("")).toBe(store.path);
        expect(store.resolve(store.path)).toBe(store.path);
        const abs = store.resolve("x/y.txt");
        expect(abs.startsWith(store.path)).toBe(true);
        expect(store.resolve(abs)).toBe(abs);
        expect(store.resolve("x/./z/../y.txt")).toBe(abs);
        expect(store.join("x", "y.txt")).toBe(abs);
        expect(store.join()).toBe(store.path);
      });

      it.each([
        ["a parent", "../x"],
        ["a traversal", "a/../../x"],
        ["an absolute path with ..", "$ROOT/../x"],
        ["a sibling sharing the root as prefix", "$ROOT2/x"],
        ["a sibling that is the prefix trick itself", "$ROOT2"],
      ])("refuses %s (%s)", async (_label, template) => {
        const outside = template.replace("$ROOT", store.path);
        const message = `File \`${outside}\` is outside of artifact store bounds \`${store.path}\``;
        expect(store.contains(outside)).toBe(false);
        expect(() => store.resolve(outside)).toThrow(ArtifactStoreError);
        expect(() => store.resolve(outside)).toThrow(message);
        await expect(store.writeFile(outside, "x")).rejects.toThrow(message);
        await expect(store.readFile(outside)).rejects.toThrow(message);
        await expect(store.exists(outside)).rejects.toThrow(message);
        await expect(store.isdir(outside)).rejects.toThrow(message);
        await expect(store.listdir(outside)).rejects.toThrow(message);
        await expect(store.stat(outside)).rejects.toThrow(message);
        await expect(store.size(outside)).rejects.toThrow(message);
        await expect(store.remove(outside)).rejects.toThrow(message);
        await expect(store.rmtree(outside)).rejects.toThrow(message);
        await expect(store.makedirs(outside)).rejects.toThrow(message);
        await expect(store.mkdir(outside)).rejects.toThrow(message);
        await expect(store.open(outside, "w")).rejects.toThrow(message);
        await expect(store.glob(`${outside}/*`)).rejects.toThrow(ArtifactStoreError);
        await expect(collect(store.walk(outside))).rejects.toThrow(message);
        await store.writeFile("in.txt", "in");
        await expect(store.copyfile("in.txt", outside)).rejects.toThrow(message);
        await expect(store.rename("in.txt", outside)).rejects.toThrow(message);
        await expect(store.copyfile(outside, "in2.txt")).rejects.toThrow(message);
        expect(await store.readFile("in.txt")).toEqual(Buffer.from("in"));
        expect(() => store.join("..", "x")).toThrow(ArtifactStoreError);
      });

      it("says what to do in the bounds error", () => {
        expect(() => store.resolve("../x")).toThrow(/Use a path inside the store/);
      });
    });

    describe("reading and writing", () => {
      it("round-trips text and bytes and overwrites", async () => {
        await store.writeFile("t.txt", "héllo");
        expect((await store.readFile("t.txt")).toString("utf8")).toBe("héllo");
        const bytes = new Uint8Array([0, 1, 2, 255, 254]);
        await store.writeFile(store.join("b.bin"), bytes);
        expect(await store.readFile("b.bin")).toEqual(Buffer.from(bytes));
        await store.writeFile("t.txt", "second");
        expect((await store.readFile(store.resolve("t.txt"))).toString()).toBe("second");
        await store.writeFile("empty", "");
        expect(await store.readFile("empty")).toEqual(Buffer.alloc(0));
        expect(await store.size("empty")).toBe(0);
      });

      it("creates missing parent directories on write", async () => {
        await store.writeFile("p/q/r/file.txt", "deep");
        expect(await store.isdir("p/q/r")).toBe(true);
        expect((await store.readFile("p/q/r/file.txt")).toString()).toBe("deep");
      });

      it("opens streams by mode", async () => {
        const writer = await store.open("m.txt", "wb");
        expect(writer).toBeInstanceOf(Writable);
        await pipeline(Readable.from([Buffer.from("by "), Buffer.from("mode")]), writer);
        for (const mode of ["r", "rb"] as const) {
          const reader = await store.open("m.txt", mode);
          expect(reader).toBeInstanceOf(Readable);
          const chunks: Buffer[] = [];
          for await (const chunk of reader) chunks.push(chunk as Buffer);
          expect(Buffer.concat(chunks).toString()).toBe("by mode");
        }
        const defaultMode = await store.open("m.txt");
        defaultMode.destroy();
        const textWriter = await store.open("m2.txt", "w");
        textWriter.end("text");
        await finished(textWriter);
        expect((await store.readFile("m2.txt")).toString()).toBe("text");
        // @ts-expect-error: an invalid mode is refused at run time too
        await expect(store.open("m.txt", "a")).rejects.toThrow(/Unsupported open mode 'a'.*Use "r"/);
      });

      it("makes a written file visible only once the stream has finished", async () => {
        await store.writeFile("v.txt", "old");
        const writer = await store.openWrite("v.txt");
        const fresh = await store.openWrite("fresh.txt");
        writer.write("new ");
        fresh.write("partial");
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect((await store.readFile("v.txt")).toString()).toBe("old");
        expect(await store.exists("fresh.txt")).toBe(false);
        writer.end("content");
        fresh.end();
        await Promise.all([finished(writer), finished(fresh)]);
        expect((await store.readFile("v.txt")).toString()).toBe("new content");
        expect((await store.readFile("fresh.txt")).toString()).toBe("partial");
      });

      it("leaves nothing behind when a write stream is destroyed", async () => {
        await store.writeFile("keep/old.txt", "old");
        const replaced = await store.openWrite("keep/old.txt");
        const created = await store.openWrite("gone/new.txt");
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
        expect((await store.readFile("keep/old.txt")).toString()).toBe("old");
        expect(await store.exists("gone/new.txt")).toBe(false);
        expect(await store.glob("gone/*")).toEqual([]);
        expect(await store.listdir("keep")).toEqual(["old.txt"]);
      });

      it(`streams ${streamBytes} bytes in bounded chunks`, async () => {
        const expected = await hashStream(generatedBytes(streamBytes));
        await pipeline(generatedBytes(streamBytes), await store.openWrite("big/blob.bin"));
        expect(await store.size("big/blob.bin")).toBe(streamBytes);
        const actual = await hashStream(await store.openRead("big/blob.bin"));
        expect(actual.bytes).toBe(streamBytes);
        expect(actual.sha256).toBe(expected.sha256);
        expect(actual.maxChunk).toBeLessThanOrEqual(4 * 1024 * 1024);
      });

      it("reports a missing file with its path and the cause", async () => {
        const missing = store.resolve("nope/missing.txt");
        for (const attempt of [
          () => store.readFile("nope/missing.txt"),
          () => store.openRead("nope/missing.txt"),
          () => store.stat("nope/missing.txt"),
          () => store.size("nope/missing.txt"),
          () => store.remove("nope/missing.txt"),
        ]) {
          const error = await attempt().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ArtifactStoreError);
          expect((error as Error).message).toContain(`\`${missing}\``);
          expect((error as Error).message).toMatch(/does not exist/);
          expect((error as Error).cause).toBeDefined();
        }
      });
    });

    describe("files and directories", () => {
      it("tells files, directories and missing paths apart", async () => {
        await writeTree();
        expect(await store.exists("a.txt")).toBe(true);
        expect(await store.isdir("a.txt")).toBe(false);
        expect(await store.exists("d")).toBe(true);
        expect(await store.isdir("d")).toBe(true);
        expect(await store.isdir(store.join("d", "e"))).toBe(true);
        expect(await store.exists("missing")).toBe(false);
        expect(await store.isdir("missing")).toBe(false);
        expect(await store.isdir("")).toBe(true);
      });

      it("lists basenames, sorted", async () => {
        await store.writeFile("z.txt", "z");
        await store.writeFile("B.txt", "b");
        await writeTree();
        expect(await store.listdir("")).toEqual(["B.txt", "a.txt", "d", "z.txt"]);
        expect(await store.listdir(store.join("d"))).toEqual(["b.txt", "e", "f"]);
        await expect(store.listdir("missing")).rejects.toThrow(ArtifactStoreError);
        await expect(store.listdir("missing")).rejects.toThrow(store.resolve("missing"));
      });

      it("stats files and directories", async () => {
        await store.writeFile("s/five.txt", "12345");
        const stat = await store.stat("s/five.txt");
        expect(stat).toMatchObject({
          path: store.resolve("s/five.txt"),
          size: 5,
          isDirectory: false,
        });
        if (stat.modifiedAt !== undefined) expect(stat.modifiedAt).toBeInstanceOf(Date);
        expect(await store.size("s/five.txt")).toBe(5);
        expect((await store.stat("s")).isDirectory).toBe(true);
      });

      it("removes files, not directories", async () => {
        await writeTree();
        await store.remove("a.txt");
        expect(await store.exists("a.txt")).toBe(false);
        await expect(store.remove("d")).rejects.toThrow(ArtifactStoreError);
        expect(await store.exists("d/b.txt")).toBe(true);
      });

      it("removes trees", async () => {
        await writeTree();
        await store.rmtree("d");
        expect(await store.exists("d")).toBe(false);
        expect(await store.exists("d/e/c.txt")).toBe(false);
        expect(await store.exists("a.txt")).toBe(true);
        await expect(store.rmtree("d")).rejects.toThrow(ArtifactStoreError);
      });

      it("creates directories idempotently", async () => {
        await store.makedirs("m/n/o");
        await store.makedirs("m/n/o");
        await store.writeFile("m/n/o/f.txt", "f");
        await store.mkdir("m/n/o/p");
        await store.mkdir("m/n/o/p");
        await store.writeFile("m/n/o/p/g.txt", "g");
        expect(await store.isdir("m/n/o/p")).toBe(true);
        expect(await store.listdir("m/n/o")).toEqual(["f.txt", "p"]);
      });
    });

    describe("copy and rename", () => {
      it("copies a file", async () => {
        await store.writeFile("c/src.txt", "source");
        await store.copyfile("c/src.txt", "c2/dst.txt");
        expect((await store.readFile("c2/dst.txt")).toString()).toBe("source");
        expect((await store.readFile("c/src.txt")).toString()).toBe("source");
      });

      it("refuses to copy onto an existing file unless asked", async () => {
        await store.writeFile("src.txt", "source");
        await store.writeFile("dst.txt", "existing");
        const dst = store.resolve("dst.txt");
        await expect(store.copyfile("src.txt", "dst.txt")).rejects.toThrow(ArtifactStoreError);
        await expect(store.copyfile("src.txt", "dst.txt")).rejects.toThrow(
          `Cannot copy onto \`${dst}\`: it already exists`,
        );
        await expect(store.copyfile("src.txt", "dst.txt")).rejects.toThrow("{ overwrite: true }");
        expect((await store.readFile("dst.txt")).toString()).toBe("existing");
        await store.copyfile("src.txt", "dst.txt", { overwrite: true });
        expect((await store.readFile("dst.txt")).toString()).toBe("source");
      });

      it("renames a file", async () => {
        await store.writeFile("r/src.txt", "source");
        await store.rename("r/src.txt", store.join("r2", "dst.txt"));
        expect(await store.exists("r/src.txt")).toBe(false);
        expect((await store.readFile("r2/dst.txt")).toString()).toBe("source");
      });

      it("refuses to rename onto an existing file unless asked", async () => {
        await store.writeFile("src.txt", "source");
        await store.writeFile("dst.txt", "existing");
        const dst = store.resolve("dst.txt");
        await expect(store.rename("src.txt", "dst.txt")).rejects.toThrow(
          `Cannot rename onto \`${dst}\`: it already exists`,
        );
        await expect(store.rename("src.txt", "dst.txt", { overwrite: false })).rejects.toThrow("{ overwrite: true }");
        expect((await store.readFile("src.txt")).toString()).toBe("source");
        expect((await store.readFile("dst.txt")).toString()).toBe("existing");
        await store.rename("src.txt", "dst.txt", { overwrite: true });
        expect(await store.exists("src.txt")).toBe(false);
        expect((await store.readFile("dst.txt")).toString()).toBe("source");
      });

      it("reports a missing source with its path", async () => {
        const missing = store.resolve("missing.txt");
        await expect(store.copyfile("missing.txt", "x.txt")).rejects.toThrow(`\`${missing}\``);
        await expect(store.rename("missing.txt", "x.txt")).rejects.toThrow(`\`${missing}\``);
        expect(await store.exists("x.txt")).toBe(false);
      });
    });

    describe("walk and glob", () => {
      it("walks top-down", async () => {
        await writeTree();
        const root = store.path;
        expect(await collect(store.walk(""))).toEqual([
          [root, ["d"], ["a.txt"]],
          [store.join("d"), ["e", "f"], ["b.txt"]],
          [store.join("d", "e"), [], ["c.txt"]],
          [store.join("d", "f"), [], ["g.txt"]],
        ]);
        expect(await collect(store.walk("d", { topdown: true }))).toEqual([
          [store.join("d"), ["e", "f"], ["b.txt"]],
          [store.join("d", "e"), [], ["c.txt"]],
          [store.join("d", "f"), [], ["g.txt"]],
        ]);
      });

      it("walks bottom-up", async () => {
        await writeTree();
        expect(await collect(store.walk(store.path, { topdown: false }))).toEqual([
          [store.join("d", "e"), [], ["c.txt"]],
          [store.join("d", "f"), [], ["g.txt"]],
          [store.join("d"), ["e", "f"], ["b.txt"]],
          [store.path, ["d"], ["a.txt"]],
        ]);
      });

      it("skips directories removed from dirs in top-down order", async () => {
        await writeTree();
        const seen: string[] = [];
        for await (const [dir, dirs] of store.walk("")) {
          seen.push(dir);
          const index = dirs.indexOf("e");
          if (index >= 0) dirs.splice(index, 1);
        }
        expect(seen).toEqual([store.path, store.join("d"), store.join("d", "f")]);
      });

      it("walks a missing directory as empty", async () => {
        expect(await collect(store.walk("missing"))).toEqual([]);
      });

      it("globs with *, ? and **, returning sorted full paths", async () => {
        await writeTree();
        await store.writeFile("d/bb.txt", "bb");
        await store.writeFile("d/e/c.log", "log");
        expect(await store.glob("*.txt")).toEqual([store.join("a.txt")]);
        expect(await store.glob("d/?.txt")).toEqual([store.join("d/b.txt")]);
        expect(await store.glob("d/*")).toEqual([
          store.join("d/b.txt"),
          store.join("d/bb.txt"),
          store.join("d/e"),
          store.join("d/f"),
        ]);
        expect(await store.glob("**/*.txt")).toEqual([
          store.join("a.txt"),
          store.join("d/b.txt"),
          store.join("d/bb.txt"),
          store.join("d/e/c.txt"),
          store.join("d/f/g.txt"),
        ]);
        expect(await store.glob("d/**/c.*")).toEqual([store.join("d/e/c.log"), store.join("d/e/c.txt")]);
        expect(await store.glob(store.join("d", "**"))).toEqual([
          store.join("d/b.txt"),
          store.join("d/bb.txt"),
          store.join("d/e"),
          store.join("d/e/c.log"),
          store.join("d/e/c.txt"),
          store.join("d/f"),
          store.join("d/f/g.txt"),
        ]);
        expect(await store.glob("*/*/g.txt")).toEqual([store.join("d/f/g.txt")]);
        expect(await store.glob("a.txt")).toEqual([store.join("a.txt")]);
        expect(await store.glob("nothing*")).toEqual([]);
        expect(await store.glob("missing/**/*.txt")).toEqual([]);
      });
    });
  });
}
