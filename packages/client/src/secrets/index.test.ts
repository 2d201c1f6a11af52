import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
/** The testing package's module graph printer, from its sources in this workspace. */
const PRINT_MODULE_GRAPH = fileURLToPath(
  new URL("./src/test-support/print-module-graph.mjs", import.meta.resolve("@flavorstack/testing/package.json")),
);

it("importing the secrets module loads no cryptography, no zod and not core's main entry: listing stays fast", async () => {
  const { stdout } = await run(process.execPath, [PRINT_MODULE_GRAPH, new URL("./index.ts", import.meta.url).href]);
  const graph = JSON.parse(stdout) as string[];
  expect(graph).toContain(new URL("./secret-store.ts", import.meta.url).href);
  expect(graph.filter((url) => url === "node:crypto" || /\/zod\/|\/core\/dist\/(index|plugin)\.js$/.test(url))).toEqual(
    [],
  );
  const own = graph.filter((url) => url.startsWith(new URL("./", import.meta.url).href));
  const sources = await Promise.all(own.map((url) => readFile(new URL(url), "utf8")));
  const lazy = sources.flatMap((source) =>
    [...source.matchAll(/\bimport\(\s*["'`]([^"'`]+)/g)].map((match) => match[1]),
  );
  expect(new Set(lazy)).toEqual(new Set(["node:crypto"]));
}, 60_000);
