import { ArtifactStoreError } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import { type ContractContext, collect, rejectionOf } from "./contract-context.js";

/** copyfile and rename: with and without overwrite, onto directories, of directories. */
export function describeCopyRenameContract(context: ContractContext): void {
  const text = async (path: string) => (await context.store.readFile(path)).toString();

  async function expectRefused(attempt: () => Promise<unknown>, naming: string): Promise<void> {
    const error = await rejectionOf(attempt);
    expect(error).toBeInstanceOf(ArtifactStoreError);
    expect((error as Error).message).toContain(`\`${context.store.resolve(naming)}\``);
  }

  describe("copy and rename", () => {
    it("copies a file and keeps the source", async () => {
      await context.store.writeFile("c/src.txt", "source");
      await context.store.copyfile("c/src.txt", "c2/dst.txt");
      expect(await text("c2/dst.txt")).toBe("source");
      expect(await text("c/src.txt")).toBe("source");
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
      expect(await text("dst.txt")).toBe("existing");
      await context.store.copyfile("src.txt", "dst.txt", { overwrite: true });
      expect(await text("dst.txt")).toBe("source");
      expect(await text("src.txt")).toBe("source");
      await context.store.copyfile("src.txt", "fresh.txt", { overwrite: true });
      expect(await text("fresh.txt")).toBe("source");
    });

    it("renames a file and removes the source", async () => {
      await context.store.writeFile("r/src.txt", "source");
      await context.store.rename("r/src.txt", context.store.join("r2", "dst.txt"));
      expect(await context.store.exists("r/src.txt")).toBe(false);
      expect(await text("r2/dst.txt")).toBe("source");
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
      expect(await text("src.txt")).toBe("source");
      expect(await text("dst.txt")).toBe("existing");
      await context.store.rename("src.txt", "dst.txt", { overwrite: true });
      expect(await context.store.exists("src.txt")).toBe(false);
      expect(await text("dst.txt")).toBe("source");
    });

    it("reports a missing source with its path", async () => {
      const missing = context.store.resolve("missing.txt");
      await expect(context.store.copyfile("missing.txt", "x.txt")).rejects.toThrow(`\`${missing}\``);
      await expect(context.store.rename("missing.txt", "x.txt")).rejects.toThrow(`\`${missing}\``);
      expect(await context.store.exists("x.txt")).toBe(false);
    });

    it("refuses to copy or rename a file onto a directory, even with overwrite", async () => {
      await context.store.writeFile("src.txt", "source");
      await context.store.writeFile("d/x.txt", "x");
      for (const overwrite of [false, true]) {
        await expectRefused(() => context.store.copyfile("src.txt", "d", { overwrite }), "d");
        await expectRefused(() => context.store.rename("src.txt", "d", { overwrite }), "d");
      }
      expect(await text("src.txt")).toBe("source");
      expect(await context.store.isdir("d")).toBe(true);
      expect(await context.store.listdir("d")).toEqual(["x.txt"]);
      expect(await text("d/x.txt")).toBe("x");
    });

    it("copies files only: a directory source is refused and nothing is created", async () => {
      await context.writeTree();
      const before = await collect(context.store.walk(""));
      await expectRefused(() => context.store.copyfile("d", "d2"), "d");
      await expectRefused(() => context.store.copyfile("d", "d2", { overwrite: true }), "d");
      expect(await collect(context.store.walk(""))).toEqual(before);
    });

    it("renames a directory with everything below it, or refuses and changes nothing", async () => {
      await context.writeTree();
      const before = await collect(context.store.walk(""));
      const refused = await rejectionOf(() => context.store.rename("d", "moved"));
      if (refused !== undefined) {
        // Stores without real directories may refuse to rename a prefix: then all stays as it was.
        expect(refused).toBeInstanceOf(ArtifactStoreError);
        expect(await collect(context.store.walk(""))).toEqual(before);
        return;
      }
      expect(await context.store.exists("d")).toBe(false);
      expect(await collect(context.store.walk("moved"))).toEqual([
        [context.store.join("moved"), ["e", "f"], ["b.txt"]],
        [context.store.join("moved/e"), [], ["c.txt"]],
        [context.store.join("moved/f"), [], ["g.txt"]],
      ]);
      expect(await text("moved/e/c.txt")).toBe("c");
      expect(await text("a.txt")).toBe("a");
    });

    it("refuses to rename a directory onto an existing one, even with overwrite", async () => {
      await context.writeTree();
      await context.store.writeFile("other/o.txt", "o");
      const before = await collect(context.store.walk(""));
      await expectRefused(() => context.store.rename("d", "other"), "other");
      await expectRefused(() => context.store.rename("d", "other", { overwrite: true }), "other");
      expect(await collect(context.store.walk(""))).toEqual(before);
    });
  });
}
