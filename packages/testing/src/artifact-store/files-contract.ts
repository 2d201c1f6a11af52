import { ArtifactStoreError } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import type { ContractContext } from "./contract-context.js";

/** Files and directories: kinds, listings, stat, remove, mkdir, copy and rename. */
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

  describe("copy and rename", () => {
    it("copies a file", async () => {
      await context.store.writeFile("c/src.txt", "source");
      await context.store.copyfile("c/src.txt", "c2/dst.txt");
      expect((await context.store.readFile("c2/dst.txt")).toString()).toBe("source");
      expect((await context.store.readFile("c/src.txt")).toString()).toBe("source");
    });

    it("refuses to copy onto an existing file unless asked", async () => {
      await context.store.writeFile("src.txt", "source");
      await context.store.writeFile("dst.txt", "existing");
      const dst = context.store.resolve("dst.txt");
      await expect(context.store.copyfile("src.txt", "dst.txt")).rejects.toThrow(ArtifactStoreError);
      await expect(context.store.copyfile("src.txt", "dst.txt")).rejects.toThrow(
        `Cannot copy onto \`${dst}\`: it already exists`,
      );
      await expect(context.store.copyfile("src.txt", "dst.txt")).rejects.toThrow("{ overwrite: true }");
      expect((await context.store.readFile("dst.txt")).toString()).toBe("existing");
      await context.store.copyfile("src.txt", "dst.txt", { overwrite: true });
      expect((await context.store.readFile("dst.txt")).toString()).toBe("source");
    });

    it("renames a file", async () => {
      await context.store.writeFile("r/src.txt", "source");
      await context.store.rename("r/src.txt", context.store.join("r2", "dst.txt"));
      expect(await context.store.exists("r/src.txt")).toBe(false);
      expect((await context.store.readFile("r2/dst.txt")).toString()).toBe("source");
    });

    it("refuses to rename onto an existing file unless asked", async () => {
      await context.store.writeFile("src.txt", "source");
      await context.store.writeFile("dst.txt", "existing");
      const dst = context.store.resolve("dst.txt");
      await expect(context.store.rename("src.txt", "dst.txt")).rejects.toThrow(
        `Cannot rename onto \`${dst}\`: it already exists`,
      );
      await expect(context.store.rename("src.txt", "dst.txt", { overwrite: false })).rejects.toThrow(
        "{ overwrite: true }",
      );
      expect((await context.store.readFile("src.txt")).toString()).toBe("source");
      expect((await context.store.readFile("dst.txt")).toString()).toBe("existing");
      await context.store.rename("src.txt", "dst.txt", { overwrite: true });
      expect(await context.store.exists("src.txt")).toBe(false);
      expect((await context.store.readFile("dst.txt")).toString()).toBe("source");
    });

    it("reports a missing source with its path", async () => {
      const missing = context.store.resolve("missing.txt");
      await expect(context.store.copyfile("missing.txt", "x.txt")).rejects.toThrow(`\`${missing}\``);
      await expect(context.store.rename("missing.txt", "x.txt")).rejects.toThrow(`\`${missing}\``);
      expect(await context.store.exists("x.txt")).toBe(false);
    });
  });
}
