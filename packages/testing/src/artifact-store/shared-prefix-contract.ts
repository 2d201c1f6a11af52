import { ArtifactStoreError } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import { type ContractContext, collect, rejectionOf } from "./contract-context.js";

/**
 * Nested paths whose names share a leading string (`a/b`, `a/bc`, `a/b.txt`, `a/b-c`): on a store
 * of keys, `a/b` is a prefix of every one of them, and only `a/b/` is the directory. `-` and `.`
 * sort before `/`, `c` after it, so listings paged by key see them on both sides of `a/b/`.
 */
export function describeSharedPrefixContract(context: ContractContext): void {
  const text = async (path: string) => (await context.store.readFile(path)).toString();
  const SIBLINGS = { "a/bc/3.txt": "3", "a/b.txt": "b.txt", "a/b-c/4.txt": "4" } as const;

  async function writeSiblings(): Promise<void> {
    for (const [path, content] of Object.entries(SIBLINGS)) await context.store.writeFile(path, content);
  }

  async function expectSiblingsIntact(): Promise<void> {
    for (const [path, content] of Object.entries(SIBLINGS)) expect(await text(path), path).toBe(content);
    expect(await context.store.isdir("a/bc")).toBe(true);
    expect(await context.store.isdir("a/b-c")).toBe(true);
  }

  async function expectArtifactStoreError(attempt: () => Promise<unknown>): Promise<void> {
    expect(await rejectionOf(attempt)).toBeInstanceOf(ArtifactStoreError);
  }

  describe("paths that share a leading string", () => {
    it("never takes its siblings for a missing path", async () => {
      await writeSiblings();
      const { store } = context;
      expect(await store.exists("a/b")).toBe(false);
      expect(await store.isdir("a/b")).toBe(false);
      expect(await collect(store.walk("a/b"))).toEqual([]);
      expect(await store.glob("a/b/*")).toEqual([]);
      expect(await store.glob("a/b/**")).toEqual([]);
      await expectArtifactStoreError(() => store.listdir("a/b"));
      await expectArtifactStoreError(() => store.stat("a/b"));
      await expectArtifactStoreError(() => store.remove("a/b"));
      await expectArtifactStoreError(() => store.rmtree("a/b"));
      await expectArtifactStoreError(() => store.copyfile("a/b", "x"));
      await expectArtifactStoreError(() => store.rename("a/b", "x"));
      expect(await store.exists("x")).toBe(false);
      await expectSiblingsIntact();
    });

    it("lists, walks and globs a directory without its siblings", async () => {
      await writeSiblings();
      const { store } = context;
      await store.writeFile("a/b/1.txt", "1");
      await store.writeFile("a/b/sub/2.txt", "2");
      expect(await store.isdir("a/b")).toBe(true);
      expect(await store.isdir("a/b.txt")).toBe(false);
      expect((await store.stat("a/b")).isDirectory).toBe(true);
      expect(await store.size("a/b.txt")).toBe(5);
      expect(await store.listdir("a")).toEqual(["b", "b-c", "b.txt", "bc"]);
      expect(await store.listdir("a/b")).toEqual(["1.txt", "sub"]);
      expect(await collect(store.walk("a/b"))).toEqual([
        [store.join("a/b"), ["sub"], ["1.txt"]],
        [store.join("a/b/sub"), [], ["2.txt"]],
      ]);
      expect(await store.glob("a/b/*")).toEqual([store.join("a/b/1.txt"), store.join("a/b/sub")]);
      expect(await store.glob("a/b/**")).toEqual([
        store.join("a/b/1.txt"),
        store.join("a/b/sub"),
        store.join("a/b/sub/2.txt"),
      ]);
      expect(await store.glob("a/b*")).toEqual(["a/b", "a/b-c", "a/b.txt", "a/bc"].map((path) => store.join(path)));
    });

    it("renames and removes a directory without its siblings", async () => {
      await writeSiblings();
      const { store } = context;
      await store.writeFile("a/b/1.txt", "1");
      await store.writeFile("a/b/sub/2.txt", "2");
      const renamed = (await rejectionOf(() => store.rename("a/b", "z"))) === undefined;
      const dir = renamed ? "z" : "a/b";
      if (renamed) {
        expect(await store.exists("a/b")).toBe(false);
        expect(await store.listdir("z")).toEqual(["1.txt", "sub"]);
      }
      await expectSiblingsIntact();
      await store.rmtree(dir);
      expect(await store.exists(dir)).toBe(false);
      expect(await store.listdir("a")).toEqual(["b-c", "b.txt", "bc"]);
      await expectSiblingsIntact();
    });

    it("copies and renames a file without its siblings", async () => {
      const { store } = context;
      await store.writeFile("f/b", "b");
      await store.writeFile("f/bc", "bc");
      await store.writeFile("f/b.txt", "b.txt");
      await store.copyfile("f/b", "g/b");
      expect(await store.listdir("g")).toEqual(["b"]);
      expect(await text("g/b")).toBe("b");
      await store.rename("f/b", "h/b");
      expect(await store.exists("f/b")).toBe(false);
      expect(await store.listdir("f")).toEqual(["b.txt", "bc"]);
      expect(await store.listdir("h")).toEqual(["b"]);
      // `f/b` is gone although `f/bc` and `f/b.txt` start with it: a copy there needs no overwrite.
      await store.copyfile("f/bc", "f/b");
      await store.rename("f/b.txt", "f/b", { overwrite: true });
      expect(await text("f/b")).toBe("b.txt");
      expect(await text("f/bc")).toBe("bc");
      expect(await store.listdir("f")).toEqual(["b", "bc"]);
    });
  });
}
