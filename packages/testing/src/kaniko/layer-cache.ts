import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** kaniko's default `--cache-ttl`: two weeks. */
const DEFAULT_CACHE_TTL_MS = 336 * 3_600_000;

const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go duration (`168h`, `1h30m`, `90s`); throws on anything else, as kaniko's flag parsing does. */
export function parseGoDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text) {
    throw new Error(`invalid argument "${text}" for "--cache-ttl" flag: time: invalid duration "${text}"`);
  }
  return parts.reduce((total, part) => total + Number(part[1]) * (GO_DURATION_UNITS[part[2] as string] as number), 0);
}

export interface LayerCacheOptions {
  /** Where the simulated cache repository keeps its layers (the double's `stateDir`, shared by every pod). */
  stateDir: string;
  /** `--cache-repo` (or the destination's repository + `/cache`, as kaniko infers it). */
  repository: string;
  /** `--cache-ttl` */
  ttl: string | undefined;
  /** `--cache-copy-layers`: COPY and ADD are cached too (else only RUN, as kaniko does). */
  copyLayers: boolean;
  dockerfile: string;
  buildArgs: readonly string[];
  contextDir: string;
  log: (line: string) => void;
}

/**
 * kaniko's layer cache, simulated: each cacheable instruction gets a key chained from the ones before it (and the
 * context's files for COPY/ADD, and the build args); a key already in the repository and younger than the TTL is a
 * hit (`Using caching version of cmd: ...`), else a miss whose layer is pushed to the cache. Returns the hit count.
 */
export async function simulateLayerCache(options: LayerCacheOptions): Promise<{ hits: number; misses: number }> {
  const ttlMs = options.ttl === undefined ? DEFAULT_CACHE_TTL_MS : parseGoDuration(options.ttl);
  const store = join(options.stateDir, "kaniko-layer-cache", sha256(options.repository));
  await mkdir(store, { recursive: true });
  const contextDigest = await directoryDigest(options.contextDir);
  let key = sha256(options.buildArgs.join("\n"));
  let hits = 0;
  let misses = 0;
  for (const line of options.dockerfile.split("\n").map((text) => text.trim())) {
    if (line === "" || line.startsWith("#")) continue;
    const command = (line.split(/\s/, 1)[0] as string).toUpperCase();
    const copies = command === "COPY" || command === "ADD";
    key = sha256(`${key}\n${line}${copies ? `\n${contextDigest}` : ""}`);
    if (command !== "RUN" && !(copies && options.copyLayers)) continue;
    const layer = join(store, key);
    options.log(`INFO Checking for cached layer ${options.repository}:${key}...`);
    const cached = await stat(layer).catch(() => undefined);
    if (cached && Date.now() - cached.mtimeMs <= ttlMs) {
      hits += 1;
      options.log(`INFO Using caching version of cmd: ${line}`);
      continue;
    }
    misses += 1;
    options.log(`INFO No cached layer found for cmd ${line}`);
    options.log(`INFO Pushing layer ${options.repository}:${key} to cache now`);
    await writeFile(layer, line);
  }
  return { hits, misses };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A digest of every file's path and content under `root`, in path order. */
async function directoryDigest(root: string): Promise<string> {
  const hash = createHash("sha256");
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) {
    hash.update(`${file.slice(root.length)}\0`);
    hash.update(await readFile(file));
  }
  return hash.digest("hex");
}
