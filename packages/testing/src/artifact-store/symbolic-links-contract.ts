import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ArtifactStoreError } from "@flavorstack/core/plugin";
import { describe, expect, it, type TestContext } from "vitest";
import type { ArtifactStoreSymbolicLinks } from "./artifact-store-fixture.js";
import { type ContractContext, collect, rejectionOf } from "./contract-context.js";
import { requireHooks } from "./require-hooks.js";

/** Links out of the root are refused on every operation; links inside it work. */
export function describeSymbolicLinksContract(context: ContractContext): void {
  const linksOrSkip = (test: TestContext): ArtifactStoreSymbolicLinks =>
    requireHooks(context, test, "symbolicLinks").symbolicLinks;

  /** `outsideDir/secret.txt`, and links to it from the root: a directory, a file and a dangling one. */
  async function linkOutside(links: ArtifactStoreSymbolicLinks): Promise<void> {
    await writeFile(path.join(links.outsideDir, "secret.txt"), "secret");
    await links.create("escape", links.outsideDir);
    await links.create("escape-file", path.join(links.outsideDir, "secret.txt"));
    await links.create("dangling", path.join(links.outsideDir, "missing.txt"));
    await context.store.writeFile("in.txt", "in");
  }

  async function expectRefused(attempt: () => Promise<unknown>, storePath: string): Promise<void> {
    const error = await rejectionOf(attempt);
    expect(error, `an operation on ${storePath} was not refused`).toBeInstanceOf(ArtifactStoreError);
    const message = (error as Error).message;
    expect(message).toContain(`\`${context.store.resolve(storePath)}\``);
    expect(message).toMatch(/outside of artifact store bounds/);
    expect(message).toMatch(/symbolic link/);
  }

  describe("symbolic links", () => {
    it("refuses every path that leads out of the root through a symbolic link", async (test) => {
      const links = linksOrSkip(test);
      await linkOutside(links);
      const { store } = context;
      for (const through of ["escape/secret.txt", "escape-file", "dangling"]) {
        await expectRefused(() => store.readFile(through), through);
        await expectRefused(() => store.openRead(through), through);
        await expectRefused(() => store.writeFile(through, "x"), through);
        await expectRefused(() => store.open(through, "w"), through);
        await expectRefused(() => store.exists(through), through);
        await expectRefused(() => store.isdir(through), through);
        await expectRefused(() => store.stat(through), through);
        await expectRefused(() => store.size(through), through);
        await expectRefused(() => store.remove(through), through);
        await expectRefused(() => store.copyfile("in.txt", through, { overwrite: true }), through);
        await expectRefused(() => store.copyfile(through, "copy.txt"), through);
        await expectRefused(() => store.rename("in.txt", through, { overwrite: true }), through);
        await expectRefused(() => store.rename(through, "moved.txt"), through);
      }
      for (const dir of ["escape", "escape/sub"]) {
        await expectRefused(() => store.listdir(dir), dir);
        await expectRefused(() => store.makedirs(dir), dir);
        await expectRefused(() => store.mkdir(`${dir}/new`), `${dir}/new`);
        await expectRefused(() => store.rmtree(dir), dir);
        await expectRefused(() => collect(store.walk(dir)), dir);
        await expectRefused(() => store.glob(`${dir}/*`), `${dir}/*`);
        await expectRefused(() => store.writeFile(`${dir}/new.txt`, "x"), `${dir}/new.txt`);
      }
      expect(await readdir(links.outsideDir)).toEqual(["secret.txt"]);
      expect(await readFile(path.join(links.outsideDir, "secret.txt"), "utf8")).toBe("secret");
      expect((await store.readFile("in.txt")).toString()).toBe("in");
      expect(await store.exists("copy.txt")).toBe(false);
      expect(await store.exists("moved.txt")).toBe(false);
    });

    it("lists links as entries and never walks or globs through them", async (test) => {
      const links = linksOrSkip(test);
      await linkOutside(links);
      const { store } = context;
      const walked = await collect(store.walk(""));
      expect(walked.map(([dir]) => dir)).toEqual([store.path]);
      expect(await store.listdir("")).toEqual(["dangling", "escape", "escape-file", "in.txt"]);
      expect(await store.glob("**/secret.txt")).toEqual([]);
      expect(await store.glob("*/*")).toEqual([]);
    });

    it("follows links that stay inside the root, dangling ones too", async (test) => {
      const links = linksOrSkip(test);
      const { store } = context;
      await store.writeFile("inside/real.txt", "real");
      await links.create("inner", "inside");
      await links.create("later", "inside/later.txt");
      expect((await store.readFile("inner/real.txt")).toString()).toBe("real");
      await store.writeFile("inner/new.txt", "new");
      expect((await store.readFile("inside/new.txt")).toString()).toBe("new");
      expect(await store.isdir("inner")).toBe(true);
      expect(await store.exists("later")).toBe(false);
      await store.writeFile("inside/later.txt", "now");
      expect((await store.readFile("later")).toString()).toBe("now");
    });
  });
}
