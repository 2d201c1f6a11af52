import { describe, expect, it } from "vitest";
import { type ContractContext, collect } from "./contract-context.js";

/** Writes at a time: quick on a real server, without opening a connection per file. */
const WRITE_CONCURRENCY = 32;

/** Runs `action` on every item, at most `limit` at a time. */
async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  action: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await action(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * More keys under one prefix than one listing page of S3 (1,000) or GCS holds: listings, walks,
 * globs and rmtree must page through all of them.
 */
export function describeManyKeysContract(context: ContractContext, manyKeys: number, timeout: number): void {
  const width = String(manyKeys - 1).length;
  const names = Array.from({ length: manyKeys }, (_, index) => `f${String(index).padStart(width, "0")}.txt`);

  async function writeMany(): Promise<void> {
    await forEachBounded(names, WRITE_CONCURRENCY, (name) => context.store.writeFile(`many/${name}`, name));
    await context.store.writeFile("many/sub/deep.txt", "deep");
    await context.store.writeFile("many-sibling.txt", "sibling");
  }

  describe(`${manyKeys} keys under one prefix`, { timeout }, () => {
    it("lists, walks and globs every one of them", async () => {
      await writeMany();
      const { store } = context;
      expect(await store.listdir("many")).toEqual([...names, "sub"]);
      expect(await collect(store.walk("many"))).toEqual([
        [store.join("many"), ["sub"], names],
        [store.join("many/sub"), [], ["deep.txt"]],
      ]);
      const walkedFromRoot = await collect(store.walk(""));
      expect(walkedFromRoot.map(([dir, , files]) => [dir, files.length])).toEqual([
        [store.path, 1],
        [store.join("many"), manyKeys],
        [store.join("many/sub"), 1],
      ]);
      expect(await store.glob("many/*.txt")).toEqual(names.map((name) => store.join(`many/${name}`)));
      const last = names.at(-1) as string;
      expect((await store.readFile(`many/${last}`)).toString()).toBe(last);
    });

    it("removes every one of them with rmtree", async () => {
      await writeMany();
      const { store } = context;
      await store.rmtree("many");
      expect(await store.exists("many")).toBe(false);
      expect(await store.exists(`many/${names.at(-1)}`)).toBe(false);
      expect(await collect(store.walk("many"))).toEqual([]);
      expect(await store.glob("many/**")).toEqual([]);
      expect(await store.listdir("")).toEqual(["many-sibling.txt"]);
      expect((await store.readFile("many-sibling.txt")).toString()).toBe("sibling");
    });
  });
}
