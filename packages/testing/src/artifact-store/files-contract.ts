import { ArtifactStoreError } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import type { ContractContext } from "./contract-context.js";

/** Files and directories: kinds, listings, stat, remove, mkdir. */
export function describeFilesContract(context: ContractContext): void {
  describe("files and directories", () => {
    it("tells files, directories and missing paths apart", async () => {
      await context.writeTree();
      expect(await context.store.exists("a.txt")).toBe(true);
      expect(await context.store.isdir("a.txt")).toBe(false);
      expect(await context.store.exists("d")).toBe(true);
      expect(await context.store.isdir("d")).toBe(true);
      expect(await context.store.isdir(context.store.join("d", "e"))).toBe(true);
      expect(await context.store.exists("missing")).toBe(false);
      expect(await context.store.isdir("missing")).toBe(false);
      expect(await context.store.isdir("")).toBe(true);
    });

    it("lists basenames, sorted", async () => {
      await context.store.writeFile("z.txt", "z");
      await context.store.writeFile("B.txt", "b");
      await context.writeTree();
      expect(await context.store.listdir("")).toEqual(["B.txt", "a.txt", "d", "z.txt"]);
      expect(await context.store.listdir(context.store.join("d"))).toEqual(["b.txt", "e", "f"]);
      await expect(context.store.listdir("missing")).rejects.toThrow(ArtifactStoreError);
      await expect(context.store.listdir("missing")).rejects.toThrow(context.store.resolve("missing"));
    });

    it("stats files and directories", async () => {
      await context.store.writeFile("s/five.txt", "12345");
      const stat = await context.store.stat("s/five.txt");
      expect(stat).toMatchObject({
        path: context.store.resolve("s/five.txt"),
        size: 5,
        isDirectory: false,
      });
      if (stat.modifiedAt !== undefined) expect(stat.modifiedAt).toBeInstanceOf(Date);
      expect(await context.store.size("s/five.txt")).toBe(5);
      expect((await context.store.stat("s")).isDirectory).toBe(true);
    });

    it("removes files, not directories", async () => {
      await context.writeTree();
      await context.store.remove("a.txt");
      expect(await context.store.exists("a.txt")).toBe(false);
      await expect(context.store.remove("d")).rejects.toThrow(ArtifactStoreError);
      expect(await context.store.exists("d/b.txt")).toBe(true);
    });

    it("removes trees", async () => {
      await context.writeTree();
      await context.store.rmtree("d");
      expect(await context.store.exists("d")).toBe(false);
      expect(await context.store.exists("d/e/c.txt")).toBe(false);
      expect(await context.store.exists("a.txt")).toBe(true);
      await expect(context.store.rmtree("d")).rejects.toThrow(ArtifactStoreError);
    });

    it("creates directories idempotently", async () => {
      await context.store.makedirs("m/n/o");
      await context.store.makedirs("m/n/o");
      await context.store.writeFile("m/n/o/f.txt", "f");
      await context.store.mkdir("m/n/o/p");
      await context.store.mkdir("m/n/o/p");
      await context.store.writeFile("m/n/o/p/g.txt", "g");
      expect(await context.store.isdir("m/n/o/p")).toBe(true);
      expect(await context.store.listdir("m/n/o")).toEqual(["f.txt", "p"]);
    });
  });
}
