import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ArtifactStoreError, ConfigError } from "../../errors.js";
import { LocalArtifactStore } from "./local-artifact-store.js";
import { localArtifactStoreConfigSchema } from "./local-artifact-store-config.js";

/** A store as `LocalArtifactStoreFlavor.createComponent` makes it, without the lazy import. */
/** `data` in 64 KiB slices, as a file stream delivers it. */
function chunksOf(data: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += 64 * 1024)
    chunks.push(data.subarray(offset, offset + 64 * 1024));
  return chunks;
}

function localStore(path: string, id = "c1"): LocalArtifactStore {
  return new LocalArtifactStore({ id, name: "local", flavor: "local", config: { path } });
}

describe("LocalArtifactStore", () => {
  let dir: string;
  let root: string;
  let store: LocalArtifactStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "flavorstack-local-store-"));
    root = join(dir, "root");
    store = localStore(root);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  describe("configuration", () => {
    it("strips the trailing slash and resolves the root", () => {
      expect(localStore(`${root}/`).path).toBe(root);
      expect(localStore(`${root}/x/..`).path).toBe(root);
      expect(store.supportedSchemes).toEqual([""]);
    });

    it.each(["s3://bucket/prefix", "gs://bucket", "file:///tmp/x", "xx://anything"])(
      "refuses the remote path %s with ZenML's message",
      (path) => {
        const zenml = `The path: '${path}' you defined for your artifact store is not supported by the implementation of LocalArtifactStore, because it does not start with one of its supported schemes: {''}.`;
        let error: unknown;
        try {
          localStore(path);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const message = (error as Error).message;
        expect(message.split("\n")[0]).toBe(zenml);
        expect(message).toMatch(/Use a path starting with one of these schemes/);
        const parsed = localArtifactStoreConfigSchema.safeParse({ path });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]?.message).toBe(zenml);
      },
    );

    it("is a local artifact_store component, built from a flavor's init too", () => {
      expect(store.type).toBe("artifact_store");
      expect(store.isLocal).toBe(true);
      expect(store.isRemote).toBe(false);
      expect(store.name).toBe("local");
      expect(store.config).toEqual({ path: root });
      const fromInit = new LocalArtifactStore({
        id: "c1",
        name: "mine",
        flavor: "local",
        config: { path: "" },
      });
      vi.stubEnv("FLAVORSTACK_HOME", join(dir, "home"));
      expect(
        new LocalArtifactStore({
          id: "c1",
          name: "mine",
          flavor: "local",
          config: { path: "" },
        }).path,
      ).toBe(join(dir, "home", "local_stores", "c1"));
      expect(fromInit.name).toBe("mine");
      expect(fromInit.config.path).toBe("");
      expect(Object.isFrozen(fromInit.config)).toBe(true);
    });

    it("parses its config, an empty path by default", () => {
      expect(localArtifactStoreConfigSchema.parse({})).toEqual({ path: "" });
      expect(localArtifactStoreConfigSchema.parse({ path: "/data/store" })).toEqual({ path: "/data/store" });
    });

    it("uses a per-component folder under FLAVORSTACK_HOME for an empty path", () => {
      vi.stubEnv("FLAVORSTACK_HOME", join(dir, "home"));
      expect(LocalArtifactStore.defaultPath("abc-123")).toBe(join(dir, "home", "local_stores", "abc-123"));
      expect(localStore("", "abc-123").path).toBe(join(dir, "home", "local_stores", "abc-123"));
      vi.stubEnv("FLAVORSTACK_HOME", "");
      expect(LocalArtifactStore.defaultPath("id")).toBe(join(homedir(), ".flavorstack", "local_stores", "id"));
    });

    it("refuses unsafe component ids for the default folder", () => {
      expect(() => localStore("", "..")).toThrow(ConfigError);
      for (const id of ["", "..", "a/b", "a\\b"]) {
        expect(() => LocalArtifactStore.defaultPath(id)).toThrow(ConfigError);
      }
    });
  });

  describe("bounds", () => {
    it("refuses an absolute path outside the root", async () => {
      const message = `File \`/etc/passwd\` is outside of artifact store bounds \`${root}\``;
      expect(() => store.resolve("/etc/passwd")).toThrow(message);
      await expect(store.readFile("/etc/passwd")).rejects.toThrow(ArtifactStoreError);
      await expect(store.exists(dir)).rejects.toThrow(`outside of artifact store bounds \`${root}\``);
    });

    it("refuses the /root2 prefix trick even when /root2 exists", async () => {
      await writeFile(`${root}2`, "sibling");
      await expect(store.readFile(`${root}2`)).rejects.toThrow(
        `File \`${root}2\` is outside of artifact store bounds \`${root}\``,
      );
      await expect(store.glob(`${root}2*`)).rejects.toThrow(ArtifactStoreError);
    });

    it("refuses paths with a URL scheme", () => {
      expect(() => store.resolve("s3://bucket/x")).toThrow("is outside of artifact store bounds");
    });

    it("accepts .. that stays inside the root", () => {
      expect(store.resolve("a/b/../../c")).toBe(join(root, "c"));
      expect(store.resolve(`${root}/a/..`)).toBe(root);
      expect(store.relative(join(root, "a", "b"))).toBe("a/b");
    });
  });

  describe("streaming", () => {
    const size = 20 * 1024 * 1024;

    it("writes and reads 20 MB as a stream, chunk by chunk", async () => {
      const data = randomBytes(size);
      const writer = await store.openWrite("big/blob.bin");
      // Write with backpressure and watch the temp file grow on disk before the end: the data is
      // not held by the store until the stream finishes.
      const source = Readable.from(chunksOf(data));
      let sizeOnDiskMidway = -1;
      let written = 0;
      for await (const chunk of source) {
        if (!writer.write(chunk)) await new Promise((resolve) => writer.once("drain", resolve));
        written += (chunk as Buffer).length;
        if (sizeOnDiskMidway < 0 && written >= size / 2) {
          const temps = (await readdir(join(root, "big"))).filter((name) => name.endsWith(".tmp"));
          expect(temps).toHaveLength(1);
          sizeOnDiskMidway = (await stat(join(root, "big", temps[0] as string))).size;
          expect(await store.exists("big/blob.bin")).toBe(false);
        }
      }
      expect(sizeOnDiskMidway).toBeGreaterThan(size / 4);
      writer.end();
      await new Promise((resolve, reject) => {
        writer.once("finish", resolve);
        writer.once("error", reject);
      });
      expect(await store.size("big/blob.bin")).toBe(size);
      expect(await readdir(join(root, "big"))).toEqual(["blob.bin"]);

      const reader = await store.openRead("big/blob.bin");
      const read: Buffer[] = [];
      for await (const chunk of reader) read.push(chunk as Buffer);
      expect(Buffer.concat(read).equals(data)).toBe(true);
      expect(Math.max(...read.map((chunk) => chunk.length))).toBeLessThanOrEqual(64 * 1024);
    }, 60_000);

    it("removes the temp file when the source fails mid-way", async () => {
      await store.writeFile("f.bin", "old");
      async function* failing() {
        let sent = 0;
        for (const chunk of chunksOf(randomBytes(size))) {
          yield chunk as Buffer;
          sent += (chunk as Buffer).length;
          if (sent > 1024 * 1024) throw new Error("source broke");
        }
      }
      const writer = await store.openWrite("f.bin");
      await expect(pipeline(failing, writer)).rejects.toThrow("source broke");
      // pipeline rejects as soon as the source fails; the writer removes its temp file before it closes.
      if (!writer.closed) await new Promise((resolve) => writer.once("close", resolve));
      expect(await readdir(root)).toEqual(["f.bin"]);
      expect((await store.readFile("f.bin")).toString()).toBe("old");
    });

    it("refuses to read or write a directory", async () => {
      await store.makedirs("dir");
      await expect(store.openRead("dir")).rejects.toThrow(/is a directory/);
      await expect(store.openWrite("dir")).rejects.toThrow(/is a directory/);
      await expect(store.copyfile("dir", "x")).rejects.toThrow(/is a directory/);
    });

    it("never replaces a directory with a file, not even with overwrite", async () => {
      await store.writeFile("dir/inside.txt", "inside");
      await store.writeFile("file.txt", "file");
      await expect(store.copyfile("file.txt", "dir", { overwrite: true })).rejects.toThrow(
        `Cannot copy onto \`${join(root, "dir")}\`: it is a directory`,
      );
      await expect(store.rename("file.txt", "dir", { overwrite: true })).rejects.toThrow(/rmtree\(\) first/);
      expect(await readdir(join(root, "dir"))).toEqual(["inside.txt"]);
      expect((await store.readFile("file.txt")).toString()).toBe("file");
    });
  });

  describe("directories", () => {
    it("creates an empty directory that lists and walks", async () => {
      await store.makedirs("a/b");
      expect(await store.listdir("a/b")).toEqual([]);
      const walked: unknown[] = [];
      for await (const entry of store.walk("a")) walked.push(entry);
      expect(walked).toEqual([
        [join(root, "a"), ["b"], []],
        [join(root, "a", "b"), [], []],
      ]);
    });

    it("says to use makedirs when mkdir lacks a parent", async () => {
      await expect(store.mkdir("x/y")).rejects.toThrow(/Use makedirs\(\)/);
    });

    it("says a file is in the way", async () => {
      await store.writeFile("f", "file");
      await expect(store.mkdir("f")).rejects.toThrow(/a file of that name exists/);
      await expect(store.makedirs("f/g")).rejects.toThrow(/a file is in the way/);
      await expect(store.listdir("f")).rejects.toThrow(/not a directory/);
      await expect(store.rmtree("f")).rejects.toThrow(/Use remove\(\)/);
      await expect(store.remove(".")).rejects.toThrow(/Use rmtree\(\)/);
    });

    it("does not follow symbolic links when walking", async () => {
      await store.makedirs("real");
      await store.writeFile("real/x.txt", "x");
      await symlink(join(root, "real"), join(root, "link"));
      await symlink(dir, join(root, "escape"));
      const dirs: string[] = [];
      for await (const [d] of store.walk("")) dirs.push(d);
      expect(dirs).toEqual([root, join(root, "real")]);
      expect(await store.glob("**/x.txt")).toEqual([join(root, "real", "x.txt")]);
    });

    it("keeps the cause of an unexpected failure", async () => {
      await store.writeFile("f", "file");
      const error = await store.listdir("f").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ArtifactStoreError);
      expect((error as Error).cause).toMatchObject({ code: "ENOTDIR" });
    });
  });
});
