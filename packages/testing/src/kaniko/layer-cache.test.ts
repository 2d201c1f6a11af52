import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseGoDuration, simulateLayerCache } from "./layer-cache.js";

describe("parseGoDuration", () => {
  it("reads Go durations and refuses anything else", () => {
    expect(parseGoDuration("6h")).toBe(6 * 3_600_000);
    expect(parseGoDuration("1h30m")).toBe(90 * 60_000);
    expect(parseGoDuration("1.5s")).toBe(1500);
    expect(() => parseGoDuration("2 days")).toThrow('time: invalid duration "2 days"');
    expect(() => parseGoDuration("")).toThrow(/invalid duration/);
  });
});

describe("simulateLayerCache", () => {
  let scratch: string;
  let contextDir: string;
  let stateDir: string;
  const lines: string[] = [];
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), "flavorstack-layer-cache-"));
    contextDir = join(scratch, "context");
    stateDir = join(scratch, "state");
    await mkdir(contextDir);
    await writeFile(join(contextDir, "app.txt"), "v1");
    lines.length = 0;
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  const run = (dockerfile: string, extra: { ttl?: string; copyLayers?: boolean; repository?: string } = {}) =>
    simulateLayerCache({
      stateDir,
      repository: extra.repository ?? "registry.example/app/cache",
      ttl: extra.ttl,
      copyLayers: extra.copyLayers ?? false,
      dockerfile,
      buildArgs: [],
      contextDir,
      log: (line) => lines.push(line),
    });

  it("misses and pushes on the first build, hits on the second of an unchanged Dockerfile", async () => {
    const dockerfile = "FROM scratch\nCOPY app.txt /app.txt\nRUN make\n";
    expect(await run(dockerfile)).toEqual({ hits: 0, misses: 1 });
    expect(lines).toEqual([
      expect.stringMatching(/^INFO Checking for cached layer registry\.example\/app\/cache:[0-9a-f]{64}\.\.\.$/),
      "INFO No cached layer found for cmd RUN make",
      expect.stringMatching(/^INFO Pushing layer registry\.example\/app\/cache:[0-9a-f]{64} to cache now$/),
    ]);
    lines.length = 0;
    expect(await run(dockerfile)).toEqual({ hits: 1, misses: 0 });
    expect(lines[1]).toBe("INFO Using caching version of cmd: RUN make");
  });

  it("misses after a change before the RUN (files a COPY takes), in another repository, or past the TTL", async () => {
    const dockerfile = "FROM scratch\nCOPY app.txt /app.txt\nRUN make\n";
    await run(dockerfile);
    await writeFile(join(contextDir, "app.txt"), "v2");
    expect(await run(dockerfile)).toEqual({ hits: 0, misses: 1 });
    expect(await run(dockerfile, { repository: "registry.example/other/cache" })).toEqual({ hits: 0, misses: 1 });
    const store = join(stateDir, "kaniko-layer-cache");
    for (const repository of await readdir(store)) {
      for (const layer of await readdir(join(store, repository))) {
        await utimes(join(store, repository, layer), new Date(0), new Date(0));
      }
    }
    expect(await run(dockerfile, { ttl: "1h" })).toEqual({ hits: 0, misses: 1 });
  });

  it("caches COPY only with --cache-copy-layers, as kaniko does", async () => {
    expect(await run("FROM scratch\nCOPY . /\n")).toEqual({ hits: 0, misses: 0 });
    expect(await run("FROM scratch\nCOPY . /\n", { copyLayers: true })).toEqual({ hits: 0, misses: 1 });
    expect(await run("FROM scratch\nCOPY . /\n", { copyLayers: true })).toEqual({ hits: 1, misses: 0 });
  });
});
