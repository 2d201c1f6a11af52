import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  ArtifactStore,
  type ArtifactStoreStat,
  globToRegExp,
  pathScheme,
  unsupportedSchemeMessage,
} from "./artifact-store.js";
import { ArtifactStoreError, ConfigError } from "../errors.js";
import { describeArtifactStoreContract } from "./test-support/artifact-store-contract.js";

function notFound(path: string): Error {
  return Object.assign(new Error(`NoSuchKey: ${path}`), { name: "NoSuchKey" });
}

/**
 * An object store in memory, with a URL scheme and no real directories (like S3): a directory
 * exists when a key lies below it, or when it was created explicitly (a marker).
 */
class MemoryArtifactStore extends ArtifactStore {
  readonly files = new Map<string, { data: Buffer; modifiedAt: Date }>();
  readonly markers = new Set<string>();

  constructor(path: string, schemes: readonly string[] = ["mem://"]) {
    super({ id: "m1", name: "memory", flavor: "memory", config: { path } }, { supportedSchemes: schemes });
  }

  protected override async doOpenRead(path: string): Promise<Readable> {
    const file = this.files.get(path);
    if (!file) throw notFound(path);
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < file.data.length; offset += 64 * 1024) {
      chunks.push(file.data.subarray(offset, offset + 64 * 1024));
    }
    return Readable.from(chunks);
  }

  protected override async doOpenWrite(path: string): Promise<Writable> {
    if (await this.doIsdir(path)) throw new ArtifactStoreError(`\`${path}\` is a directory.`);
    const chunks: Buffer[] = [];
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        chunks.push(chunk);
        callback();
      },
      final: (callback) => {
        this.files.set(path, {
          data: Buffer.concat(chunks),
          modifiedAt: new Date(),
        });
        callback();
      },
    });
  }

  protected override async doExists(path: string): Promise<boolean> {
    return this.files.has(path) || (await this.doIsdir(path));
  }

  protected override async doIsdir(path: string): Promise<boolean> {
    if (path === this.path || this.markers.has(path)) return true;
    const prefix = `${path}/`;
    return [...this.files.keys(), ...this.markers].some((key) => key.startsWith(prefix));
  }

  protected override async doListdir(path: string): Promise<string[]> {
    if (!(await this.doIsdir(path))) throw notFound(path);
    const prefix = `${path}/`;
    const names = new Set<string>();
    for (const key of [...this.files.keys(), ...this.markers]) {
      if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split("/")[0] as string);
    }
    return [...names];
  }

  protected override async doMakedirs(path: string): Promise<void> {
    for (let dir = path; dir.length > this.path.length; dir = dir.slice(0, dir.lastIndexOf("/"))) {
      this.markers.add(dir);
    }
  }

  protected override async doMkdir(path: string): Promise<void> {
    this.markers.add(path);
  }

  protected override async doRemove(path: string): Promise<void> {
    if (!this.files.delete(path)) {
      if (await this.doIsdir(path)) throw new ArtifactStoreError(`\`${path}\` is a directory: use rmtree().`);
      throw notFound(path);
    }
  }

  protected override async doRename(src: string, dst: string): Promise<void> {
    await this.doCopyfile(src, dst);
    this.files.delete(src);
  }

  protected override async doRmtree(path: string): Promise<void> {
    if (this.files.has(path)) throw new ArtifactStoreError(`\`${path}\` is a file: use remove().`);
    if (!(await this.doIsdir(path))) throw notFound(path);
    for (const key of [...this.files.keys()]) if (key.startsWith(`${path}/`)) this.files.delete(key);
    for (const key of [...this.markers]) if (key === path || key.startsWith(`${path}/`)) this.markers.delete(key);
  }

  protected override async doStat(path: string): Promise<ArtifactStoreStat> {
    const file = this.files.get(path);
    if (file)
      return {
        path,
        size: file.data.length,
        isDirectory: false,
        modifiedAt: file.modifiedAt,
      };
    if (await this.doIsdir(path)) return { path, size: 0, isDirectory: true };
    throw notFound(path);
  }

  protected override async doCopyfile(src: string, dst: string): Promise<void> {
    const file = this.files.get(src);
    if (!file) {
      if (await this.doIsdir(src)) throw new ArtifactStoreError(`\`${src}\` is a directory.`);
      throw notFound(src);
    }
    this.files.set(dst, {
      data: Buffer.from(file.data),
      modifiedAt: new Date(),
    });
  }
}

describeArtifactStoreContract("MemoryArtifactStore (remote-style, base-class defaults)", async () => ({
  store: new MemoryArtifactStore("mem://bucket/prefix/"),
  cleanup: async () => {},
}));

describe("ArtifactStore", () => {
  describe("schemes", () => {
    it("refuses a root without a supported scheme, with ZenML's message", () => {
      expect(() => new MemoryArtifactStore("s3://bucket")).toThrow(ConfigError);
      expect(() => new MemoryArtifactStore("s3://bucket")).toThrow(
        "The path: 's3://bucket' you defined for your artifact store is not supported by the implementation of MemoryArtifactStore, because it does not start with one of its supported schemes: {'mem://'}.",
      );
      expect(() => new MemoryArtifactStore("/local/path", ["s3://", "s3a://"])).toThrow(
        "because it does not start with one of its supported schemes: {'s3://', 's3a://'}.",
      );
      expect(() => new MemoryArtifactStore("")).toThrow(/is empty/);
      expect(() => new MemoryArtifactStore("mem://x", [])).toThrow(/declares no supported schemes/);
    });

    it("reads schemes", () => {
      expect(pathScheme("s3://bucket")).toBe("s3://");
      expect(pathScheme("/data")).toBe("");
      expect(pathScheme("C:\\data")).toBe("");
      expect(unsupportedSchemeMessage("/data", [""], "X")).toBeUndefined();
      expect(unsupportedSchemeMessage("gs://b", ["gs://"], "X")).toBeUndefined();
      expect(unsupportedSchemeMessage("gs://b", [""], "X")).toMatch(/supported schemes: \{''\}\.$/);
    });

    it("is remote unless it takes local paths", () => {
      const store = new MemoryArtifactStore("mem://bucket");
      expect(store.isLocal).toBe(false);
      expect(store.isRemote).toBe(true);
      expect(store.type).toBe("artifact_store");
      expect(store.storeName).toBe("MemoryArtifactStore");
    });
  });

  describe("remote paths", () => {
    const store = new MemoryArtifactStore("mem://bucket/prefix/");

    it("normalises the root and resolves paths", () => {
      expect(store.path).toBe("mem://bucket/prefix");
      expect(store.resolve("a//b/./c/../d/")).toBe("mem://bucket/prefix/a/b/d");
      expect(store.resolve("mem://bucket/prefix/x/../y")).toBe("mem://bucket/prefix/y");
      expect(store.join("a", "b")).toBe("mem://bucket/prefix/a/b");
      expect(store.relative("mem://bucket/prefix/a/b")).toBe("a/b");
      expect(new MemoryArtifactStore("mem://bucket").resolve("k")).toBe("mem://bucket/k");
    });

    it.each([
      "mem://bucket/prefix2/x",
      "mem://bucket/other",
      "mem://bucket",
      "mem://other/prefix/x",
      "mem://bucket/prefix/../x",
      "s3://bucket/prefix/x",
      "/prefix/x",
      "../x",
    ])("refuses %s", (path) => {
      expect(() => store.resolve(path)).toThrow(
        `File \`${path}\` is outside of artifact store bounds \`mem://bucket/prefix\``,
      );
    });
  });

  describe("errors", () => {
    it("translates a backend's not-found error and keeps it as the cause", async () => {
      const store = new MemoryArtifactStore("mem://bucket");
      const error = await store.readFile("nope").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ArtifactStoreError);
      expect((error as Error).message).toBe(
        "File `mem://bucket/nope` does not exist in artifact store `mem://bucket`. Check the path (`exists()` tells whether a path is there, `listdir()` what a directory holds).",
      );
      expect((error as Error).cause).toMatchObject({ name: "NoSuchKey" });
    });

    it("wraps any other backend error with the operation, path and cause", async () => {
      const store = new MemoryArtifactStore("mem://bucket");
      const failure = Object.assign(new Error("denied"), {
        code: "AccessDenied",
      });
      store.files.get = () => {
        throw failure;
      };
      const error = await store.stat("k").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ArtifactStoreError);
      expect((error as Error).message).toMatch(
        /^Could not stat `mem:\/\/bucket\/k` in artifact store `mem:\/\/bucket` \(AccessDenied\)\. Check/,
      );
      expect((error as Error).cause).toBe(failure);
    });
  });

  describe("globToRegExp", () => {
    it.each<[string, string[], string[]]>([
      ["*.txt", ["a.txt", ".hidden.txt"], ["d/a.txt", "a.txt.bak"]],
      ["d/?.txt", ["d/a.txt"], ["d/ab.txt", "d/.txt", "d/a/b.txt"]],
      ["**/*.txt", ["a.txt", "d/a.txt", "d/e/f/a.txt"], ["a.log"]],
      ["a/**/b", ["a/b", "a/x/b", "a/x/y/b"], ["a/xb", "b"]],
      ["a/**", ["a/x", "a/x/y"], ["a", "ab/x"]],
      ["**.log", ["x.log"], ["d/x.log"]],
      ["a+b(1)[2].$", ["a+b(1)[2].$"], ["aab(1)[2].$"]],
    ])("%s", (pattern, matching, notMatching) => {
      const regexp = globToRegExp(pattern);
      for (const path of matching) expect(regexp.test(path), path).toBe(true);
      for (const path of notMatching) expect(regexp.test(path), path).toBe(false);
    });
  });
});
