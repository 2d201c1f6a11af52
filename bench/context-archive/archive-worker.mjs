// @ts-check
// One measured process: imports the built @flavorstack/core and archives one
// context, then prints a JSON line. Plain JS on purpose: no TypeScript loader
// (tsx would add a loader thread and its heap) inside the process whose wall
// time and peak RSS are measured. What only the verification needs (gunzip,
// hashing) is imported in its branch, so the timed process loads no more than
// a real one would.
//
//   node archive-worker.mjs time <root> <level|default> [entry]
//   node archive-worker.mjs verify <root> <level,level,...>
//   node archive-worker.mjs floor <root> - [entry]   (only imports core: Node's startup time and RSS floor)
//
// entry: "build-context" (default), @flavorstack/core/build-context, the entry for a process that only packs a
// context; or "core", @flavorstack/core itself, which also defines the flavors and so loads zod.
import { Writable } from "node:stream";

const [mode, root, levelArg, entry = "build-context"] = process.argv.slice(2);
if (
  !root ||
  !levelArg ||
  (mode !== "time" && mode !== "verify" && mode !== "floor") ||
  (entry !== "build-context" && entry !== "core")
) {
  console.error(
    "usage: archive-worker.mjs time <root> <level|default> [build-context|core] | verify <root> <levels> | floor <root> - [build-context|core]",
  );
  process.exit(2);
}
const { BuildContext, DEFAULT_COMPRESSION_LEVEL, silentLogger } = await import(
  entry === "core" ? "@flavorstack/core" : "@flavorstack/core/build-context"
);

/** @param {string} text */
function parseLevel(text) {
  return text === "default" ? undefined : Number(text);
}

/** A Writable that drops everything. */
function discard() {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/**
 * writeArchive into gunzip; returns the archive result and the sha256/size of the decompressed tar.
 * @param {import("@flavorstack/core/build-context").BuildContext} ctx
 * @param {number | undefined} level
 */
async function archiveAndGunzip(ctx, level) {
  const { createHash } = await import("node:crypto");
  const { finished } = await import("node:stream/promises");
  const { createGunzip } = await import("node:zlib");
  const gunzip = createGunzip();
  const tarHash = createHash("sha256");
  let tarBytes = 0;
  gunzip.on("data", (/** @type {Buffer} */ chunk) => {
    tarHash.update(chunk);
    tarBytes += chunk.length;
  });
  const ended = finished(gunzip);
  const result = await ctx.writeArchive(gunzip, level === undefined ? { gzip: true } : { gzip: true, level });
  await ended;
  return { ...result, tarSha256: tarHash.digest("hex"), tarBytes };
}

const ctx = new BuildContext({ root, logger: silentLogger });

if (mode === "floor") {
  console.log(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
} else if (mode === "time") {
  const level = parseLevel(levelArg);
  const started = performance.now();
  const { createWriteStream } = await import("node:fs");
  const sink = createWriteStream("/dev/null");
  const result = await ctx.writeArchive(sink, level === undefined ? { gzip: true } : { gzip: true, level });
  const ms = performance.now() - started;
  const maxRssKiB = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ ms, ...result, maxRssKiB, defaultLevel: DEFAULT_COMPRESSION_LEVEL }));
} else {
  /** @type {Array<{ name: string; ok: boolean; detail: string }>} */
  const checks = [];
  const plain = await ctx.writeArchive(discard(), { gzip: false });
  const byLevel = new Map();
  const levels = levelArg
    .split(",")
    .map(Number)
    .filter((level) => level !== DEFAULT_COMPRESSION_LEVEL);
  for (const level of [undefined, ...levels]) {
    const run = await archiveAndGunzip(ctx, level);
    const name = level === undefined ? `default level (${DEFAULT_COMPRESSION_LEVEL})` : `level ${level}`;
    byLevel.set(level ?? DEFAULT_COMPRESSION_LEVEL, run);
    checks.push({
      name: `${name}: gunzips to the plain tar`,
      ok: run.tarSha256 === plain.sha256 && run.tarBytes === plain.bytes,
      detail: `${run.bytes} B gzip -> ${run.tarBytes} B tar sha256 ${run.tarSha256.slice(0, 16)}…; plain tar ${plain.bytes} B sha256 ${plain.sha256.slice(0, 16)}…`,
    });
  }
  const again = await archiveAndGunzip(ctx, undefined);
  const first = byLevel.get(DEFAULT_COMPRESSION_LEVEL);
  checks.push({
    name: "same bytes twice (default level)",
    ok: again.sha256 === first.sha256 && again.bytes === first.bytes,
    detail: `sha256 ${first.sha256.slice(0, 16)}… / ${again.sha256.slice(0, 16)}…`,
  });
  const checksum = await ctx.checksum();
  checks.push({
    name: "checksum() equals writeArchive's sha256",
    ok: checksum === first.sha256,
    detail: `checksum ${checksum.slice(0, 16)}… vs writeArchive ${first.sha256.slice(0, 16)}…`,
  });
  const shas = Object.fromEntries([...byLevel].map(([level, run]) => [level, run.sha256]));
  console.log(JSON.stringify({ checks, shas, defaultLevel: DEFAULT_COMPRESSION_LEVEL, tarBytes: plain.bytes }));
}
