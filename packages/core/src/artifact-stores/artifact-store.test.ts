import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ArtifactStoreError, ConfigError } from "../errors.js";
import { ArtifactStore } from "./artifact-store.js";
import type { ArtifactStoreStat } from "./artifact-store-types.js";
import { globToRegExp } from "./glob.js";
import { pathScheme, unsupportedSchemeMessage } from "./store-paths.js";

function notFound(path: string): Error {
  return Object.assign(new Error(`NoSuchKey: ${path}`), { name: "NoSuchKey" });
}

function unused(): never {
  throw new Error("not used by these tests");
}

/**
 * A remote-style store over a map of keys: enough to exercise the base class's paths and error
 * translation. The whole behaviour of a store is checked by the contract suite of
 * `@flavorstack/testing/artifact-store` (run against its `MemoryArtifactStore`).
 */
class MapStore extends ArtifactStore {
  readonly files = new Map<string, Buffer>();

  constructor(path: string, schemes: readonly string[] = ["mem://"]) {
    super({ id: "m1", name: "memory", flavor: "memory", config: { path } }, { supportedSchemes: schemes });
  }

  protected override async doOpenRead(path: string): Promise<Readable> {
    return Readable.from([this.#get(path)]);
  }

  protected override async doStat(path: string): Promise<ArtifactStoreStat> {
    return { path, size: this.#get(path).length, isDirectory: false };
  }

  #get(path: string): Buffer {
    const data = this.files.get(path);
    if (data === undefined) throw notFound(path);
    return data;
  }

  protected override doOpenWrite = unused;
  protected override doExists = unused;
  protected override doIsdir = unused;
  protected override doListdir = unused;
  protected override doMakedirs = unused;
  protected override doMkdir = unused;
  protected override doRemove = unused;
  protected override doRename = unused;
  protected override doRmtree = unused;
  protected override doCopyfile = unused;
}

describe("ArtifactStore", () => {
  describe("schemes", () => {
    it("refuses a root without a supported scheme, with ZenML's message", () => {
      expect(() => new MapStore("s3://bucket")).toThrow(ConfigError);
      expect(() => new MapStore("s3://bucket")).toThrow(
        "The path: 's3://bucket' you defined for your artifact store is not supported by the implementation of MapStore, because it does not start with one of its supported schemes: {'mem://'}.",
      );
      expect(() => new MapStore("/local/path", ["s3://", "s3a://"])).toThrow(
        "because it does not start with one of its supported schemes: {'s3://', 's3a://'}.",
      );
      expect(() => new MapStore("")).toThrow(/is empty/);
      expect(() => new MapStore("mem://x", [])).toThrow(/declares no supported schemes/);
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
      const store = new MapStore("mem://bucket");
      expect(store.isLocal).toBe(false);
      expect(store.isRemote).toBe(true);
      expect(store.type).toBe("artifact_store");
      expect(store.storeName).toBe("MapStore");
    });
  });

  describe("remote paths", () => {
    const store = new MapStore("mem://bucket/prefix/");

    it("normalises the root and resolves paths", () => {
      expect(store.path).toBe("mem://bucket/prefix");
      expect(store.resolve("a//b/./c/../d/")).toBe("mem://bucket/prefix/a/b/d");
      expect(store.resolve("mem://bucket/prefix/x/../y")).toBe("mem://bucket/prefix/y");
      expect(store.join("a", "b")).toBe("mem://bucket/prefix/a/b");
      expect(store.relative("mem://bucket/prefix/a/b")).toBe("a/b");
      expect(new MapStore("mem://bucket").resolve("k")).toBe("mem://bucket/k");
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
      const store = new MapStore("mem://bucket");
      const error = await store.readFile("nope").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ArtifactStoreError);
      expect((error as Error).message).toBe(
        "File `mem://bucket/nope` does not exist in artifact store `mem://bucket`. Check the path (`exists()` tells whether a path is there, `listdir()` what a directory holds).",
      );
      expect((error as Error).cause).toMatchObject({ name: "NoSuchKey" });
    });

    it("wraps any other backend error with the operation, path and cause", async () => {
      const store = new MapStore("mem://bucket");
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
