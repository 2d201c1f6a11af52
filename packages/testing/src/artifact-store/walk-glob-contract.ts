import { describe, expect, it } from "vitest";
import { type ContractContext, collect } from "./contract-context.js";

/** walk (top-down, bottom-up, pruning) and glob (*, ?, **). */
export function describeWalkGlobContract(context: ContractContext): void {
  describe("walk and glob", () => {
    it("walks top-down", async () => {
      await context.writeTree();
      const root = context.store.path;
      expect(await collect(context.store.walk(""))).toEqual([
        [root, ["d"], ["a.txt"]],
        [context.store.join("d"), ["e", "f"], ["b.txt"]],
        [context.store.join("d", "e"), [], ["c.txt"]],
        [context.store.join("d", "f"), [], ["g.txt"]],
      ]);
      expect(await collect(context.store.walk("d", { topdown: true }))).toEqual([
        [context.store.join("d"), ["e", "f"], ["b.txt"]],
        [context.store.join("d", "e"), [], ["c.txt"]],
        [context.store.join("d", "f"), [], ["g.txt"]],
      ]);
    });

    it("walks bottom-up", async () => {
      await context.writeTree();
      expect(await collect(context.store.walk(context.store.path, { topdown: false }))).toEqual([
        [context.store.join("d", "e"), [], ["c.txt"]],
        [context.store.join("d", "f"), [], ["g.txt"]],
        [context.store.join("d"), ["e", "f"], ["b.txt"]],
        [context.store.path, ["d"], ["a.txt"]],
      ]);
    });

    it("skips directories removed from dirs in top-down order", async () => {
      await context.writeTree();
      const seen: string[] = [];
      for await (const [dir, dirs] of context.store.walk("")) {
        seen.push(dir);
        const index = dirs.indexOf("e");
        if (index >= 0) dirs.splice(index, 1);
      }
      expect(seen).toEqual([context.store.path, context.store.join("d"), context.store.join("d", "f")]);
    });

    it("walks a missing directory as empty", async () => {
      expect(await collect(context.store.walk("missing"))).toEqual([]);
    });

    it("globs with *, ? and **, returning sorted full paths", async () => {
      await context.writeTree();
      await context.store.writeFile("d/bb.txt", "bb");
      await context.store.writeFile("d/e/c.log", "log");
      expect(await context.store.glob("*.txt")).toEqual([context.store.join("a.txt")]);
      expect(await context.store.glob("d/?.txt")).toEqual([context.store.join("d/b.txt")]);
      expect(await context.store.glob("d/*")).toEqual([
        context.store.join("d/b.txt"),
        context.store.join("d/bb.txt"),
        context.store.join("d/e"),
        context.store.join("d/f"),
      ]);
      expect(await context.store.glob("**/*.txt")).toEqual([
        context.store.join("a.txt"),
        context.store.join("d/b.txt"),
        context.store.join("d/bb.txt"),
        context.store.join("d/e/c.txt"),
        context.store.join("d/f/g.txt"),
      ]);
      expect(await context.store.glob("d/**/c.*")).toEqual([
        context.store.join("d/e/c.log"),
        context.store.join("d/e/c.txt"),
      ]);
      expect(await context.store.glob(context.store.join("d", "**"))).toEqual([
        context.store.join("d/b.txt"),
        context.store.join("d/bb.txt"),
        context.store.join("d/e"),
        context.store.join("d/e/c.log"),
        context.store.join("d/e/c.txt"),
        context.store.join("d/f"),
        context.store.join("d/f/g.txt"),
      ]);
      expect(await context.store.glob("*/*/g.txt")).toEqual([context.store.join("d/f/g.txt")]);
      expect(await context.store.glob("a.txt")).toEqual([context.store.join("a.txt")]);
      expect(await context.store.glob("nothing*")).toEqual([]);
      expect(await context.store.glob("missing/**/*.txt")).toEqual([]);
    });
  });
}
