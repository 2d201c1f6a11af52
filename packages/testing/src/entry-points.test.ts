import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const PRINT_MODULE_GRAPH = fileURLToPath(new URL("./test-support/print-module-graph.mjs", import.meta.url));
const SOURCE_ROOT = new URL("./", import.meta.url).href;
const KANIKO_SOURCES = new URL("./kaniko/", import.meta.url).href;
/** What belongs to "./kaniko" only: the cloud SDKs it reads contexts with, and the tar library. */
const KANIKO_ONLY_PACKAGES = /\/(@aws-sdk|@google-cloud|tar-stream)\//;

/** Every module a fresh Node process loads when it imports the entry point's source. */
async function moduleGraph(entry: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, [PRINT_MODULE_GRAPH, new URL(entry, import.meta.url).href], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as string[];
}

/** The specifiers of the dynamic `import()`s in our own modules among `urls`. */
async function lazyImports(urls: string[]): Promise<string[]> {
  const own = urls.filter((url) => url.startsWith(SOURCE_ROOT) && url.endsWith(".ts"));
  const sources = await Promise.all(own.map((url) => readFile(new URL(url), "utf8")));
  return sources.flatMap((source) =>
    [...source.matchAll(/\bimport\(\s*["'`]([^"'`]+)/g)].map((match) => match[1] as string),
  );
}

describe("entry points", () => {
  it('"." loads nothing of "./kaniko", no cloud SDK and no tar library, not even lazily', async () => {
    const graph = await moduleGraph("./index.ts");
    expect(graph).toContain(new URL("./kubernetes/start-kubernetes-double.ts", import.meta.url).href);
    expect(graph.filter((url) => url.startsWith(KANIKO_SOURCES))).toEqual([]);
    expect(graph.filter((url) => KANIKO_ONLY_PACKAGES.test(url))).toEqual([]);
    expect(await lazyImports(graph)).toEqual([]);
  }, 60_000);

  it('"./servers" loads no cloud SDK and nothing of "./kaniko"', async () => {
    const graph = await moduleGraph("./servers/index.ts");
    expect(graph).toContain(new URL("./servers/swift-s3-server.ts", import.meta.url).href);
    expect(graph.filter((url) => url.startsWith(KANIKO_SOURCES))).toEqual([]);
    expect(graph.filter((url) => KANIKO_ONLY_PACKAGES.test(url))).toEqual([]);
  }, 60_000);

  it('"./kaniko" loads the simulated executor, and the cloud SDKs only when a context is read from them', async () => {
    const graph = await moduleGraph("./kaniko/index.ts");
    expect(graph).toContain(new URL("./kaniko/simulated-kaniko.ts", import.meta.url).href);
    expect(graph.filter((url) => /\/(@aws-sdk|@google-cloud)\//.test(url))).toEqual([]);
    expect((await lazyImports(graph)).sort()).toEqual(["@aws-sdk/client-s3", "@google-cloud/storage"]);
  }, 60_000);

  it('"./servers" loads no firebase-tools: the GCS emulator runs it in a child process', async () => {
    const graph = await moduleGraph("./servers/index.ts");
    expect(graph).toContain(new URL("./servers/gcs-emulator.ts", import.meta.url).href);
    expect(graph.filter((url) => /\/firebase-tools\/|gcs-emulator-process/.test(url))).toEqual([]);
    expect((await lazyImports(graph)).every((specifier) => specifier.startsWith("node:"))).toBe(true);
  }, 60_000);
});
