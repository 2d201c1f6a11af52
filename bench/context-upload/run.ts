import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { S3ArtifactStoreFlavor } from "@flavorstack/s3";
import { startRecordingProxy, startSwiftS3Server } from "@flavorstack/testing/servers";
import { ensureContext } from "../context-archive/generate-context.js";
import { median, run, type Sample, timed } from "../context-archive/measure.js";
import { type Check, formatChecks, table } from "../context-archive/report.js";
import { mib, parseSize, sizeLabel } from "../context-archive/sizes.js";
import { listObjects, objectSha256 } from "./list-objects.js";

const USAGE = `Usage: pnpm --filter @flavorstack/bench context-upload [options]

  --sizes <a,b,...>  context sizes (default 128MB,1GB; binary units: 1MB = 1 MiB)
  --runs <n>         timed runs per contender (default 3); the median wall time is reported
  --data-dir <dir>   where generated contexts are cached (default bench/.bench-data)
`;

/** The targets of issue 8 §5. */
const STREAMED_TARGET = 1.15;
const RSS_TARGET_MIB = 128;
const DEDUP_TARGET = 0.1;
const BUCKET = "bench";
const CONTEXT_DIR = "kaniko-build-contexts";

const WORKER = fileURLToPath(new URL("./upload-worker.mjs", import.meta.url));
const DEFAULT_DATA_DIR = fileURLToPath(new URL("../.bench-data", import.meta.url));

interface Contender {
  name: string;
  samples: Sample[];
}

const wall = (c: Contender): number => median(c.samples.map((s) => s.wallMs));
/** uploadBuildContext's own time inside the worker (the stream contender). */
const uploadMs = (c: Contender): number => median(c.samples.map((s) => Number(json(s).uploadMs)));
const peakMiB = (c: Contender): number => Math.max(...c.samples.map((s) => s.rssKiB)) / 1024;
const json = (sample: Sample): Record<string, unknown> => JSON.parse(sample.stdout.trim().split("\n").at(-1) ?? "{}");

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "128MB,1GB" },
    runs: { type: "string", default: "3" },
    "data-dir": { type: "string", default: DEFAULT_DATA_DIR },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not '${values.runs}'.`);
const sizes = values.sizes.split(",").map(parseSize);

const scratch = mkdtempSync(path.join(tmpdir(), "context-upload-bench-"));
/** The workers' digest cache (FLAVORSTACK_CACHE_DIR, inherited): emptied before every first build. */
const cacheDir = path.join(scratch, "cache");
process.env.FLAVORSTACK_CACHE_DIR = cacheDir;
const swift = await startSwiftS3Server();
const checks: Check[] = [];
try {
  await swift.createBucket(BUCKET);
  console.log(`node ${process.version}; Swift s3api at ${swift.endpoint}; load average ${loadavg()[0]?.toFixed(2)}`);
  for (const size of sizes) await measureSize(size);
} finally {
  await swift.stop();
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`\ntargets:\n${formatChecks(checks)}`);

/** The s3 store's config for `<bucket>/<prefix>` on Swift, reached at `endpoint` (Swift itself or the proxy). */
function s3Config(prefix: string, endpoint: string) {
  return {
    path: `s3://${BUCKET}/${prefix}`,
    key: swift.accessKeyId,
    secret: swift.secretAccessKey,
    clientKwargs: { endpointUrl: endpoint, regionName: swift.region },
    forcePathStyle: true,
  };
}

/** {@link s3Config} in a file, for the workers. */
function storeConfig(prefix: string, endpoint: string): string {
  const file = path.join(scratch, `store-${prefix}-${endpoint.replace(/\W/g, "")}.json`);
  writeFileSync(file, JSON.stringify(s3Config(prefix, endpoint)));
  return file;
}

async function worker(...args: string[]): Promise<Sample> {
  return timed(process.execPath, [WORKER, ...args], scratch);
}

async function measureSize(size: number): Promise<void> {
  const label = sizeLabel(size);
  const context = ensureContext(values["data-dir"], size, label);
  console.log(`\n=== context ${label}: ${context.files} files, ${mib(context.bytes)} MiB at ${context.root}`);
  await run("bash", ["-c", "tar -cf - . | cat > /dev/null"], context.root); // warm the page cache
  const prefix = `size-${label}`;
  const store = storeConfig(prefix, swift.endpoint);
  const archiveFile = path.join(scratch, `${label}.tar.gz`);
  const devnull: Contender = { name: "writeArchive → /dev/null", samples: [] };
  const toFile: Contender = { name: "writeArchive → file (ZenML's first half)", samples: [] };
  const rawUpload: Contender = { name: "upload of that file (raw upload, ZenML's second half)", samples: [] };
  const streamed: Contender = { name: "uploadBuildContext: digest + archive → multipart", samples: [] };
  const uncachedDedup: Contender = { name: "second build, digest not cached", samples: [] };
  const dedup: Contender = { name: "second build, digest cached", samples: [] };

  for (let i = 1; i <= runs; i++) {
    devnull.samples.push(await worker("devnull", context.root));
    toFile.samples.push(await worker("archive-file", context.root, archiveFile));
    rawUpload.samples.push(await worker("upload-file", archiveFile, store, `raw/${label}.tar.gz`));
    await swiftRemove(prefix);
    rmSync(cacheDir, { recursive: true, force: true });
    const sample = await worker("stream", context.root, store);
    if (json(sample).uploaded !== true) throw new Error(`run ${i}: the streamed upload did not upload`);
    streamed.samples.push(sample);
    process.stderr.write(`  [${label} run ${i}/${runs}] done\n`);
  }
  rmSync(archiveFile, { force: true });

  const objectsBefore = await listObjects(swift, BUCKET, `${prefix}/${CONTEXT_DIR}/`);
  // The stored object must be the archive, byte for byte (writeArchive into a file gives the same bytes).
  const archiveSha = String(json(toFile.samples[0] as Sample).sha256);
  const storedSha = await objectSha256(swift, BUCKET, objectsBefore[0]?.key ?? "");
  if (storedSha !== archiveSha) {
    throw new Error(`the uploaded archive differs from writeArchive's: sha256 ${storedSha} instead of ${archiveSha}`);
  }
  const proxy = await startRecordingProxy(swift.endpoint);
  try {
    const proxied = storeConfig(prefix, proxy.endpoint);
    for (let i = 1; i <= runs; i++) {
      for (const [contender, cached] of [
        [uncachedDedup, false],
        [dedup, true],
      ] as const) {
        if (!cached) rmSync(cacheDir, { recursive: true, force: true });
        const sample = await worker("stream", context.root, proxied);
        if (json(sample).uploaded !== false) throw new Error(`run ${i}: the second build uploaded again`);
        contender.samples.push(sample);
      }
    }
  } finally {
    await proxy.close();
  }
  const objectsAfter = await listObjects(swift, BUCKET, `${prefix}/${CONTEXT_DIR}/`);
  await swiftRemove(prefix, "raw");

  const base = Math.max(wall(devnull), wall(rawUpload));
  const rows = [devnull, toFile, rawUpload, streamed, uncachedDedup, dedup].map((c) => [
    c.name,
    wall(c).toFixed(0),
    (wall(c) / base).toFixed(2),
    peakMiB(c).toFixed(1),
  ]);
  rows.splice(3, 0, [
    "ZenML's way: archive to a file, then upload it",
    (wall(toFile) + wall(rawUpload)).toFixed(0),
    ((wall(toFile) + wall(rawUpload)) / base).toFixed(2),
    "-",
  ]);
  console.log(
    `\n${label} (median of ${runs} runs; whole processes, spawn to exit; ratio to max(/dev/null, raw upload) = ${base.toFixed(0)} ms):\n` +
      table(["", "wall ms", "ratio", "peak RSS MiB"], rows, (column) => column > 0) +
      `\nuploadBuildContext's own time: first ${uploadMs(streamed).toFixed(0)} ms, second ${uploadMs(uncachedDedup).toFixed(0)} ms (digest not cached), ${uploadMs(dedup).toFixed(0)} ms (cached)`,
  );
  console.log(
    `stored object's sha256 read back = writeArchive's: ${archiveSha.slice(0, 16)}…; ` +
      `server listing of ${prefix}/${CONTEXT_DIR}/: ${objectsBefore.map((o) => `${o.key} (${o.size} bytes)`).join(", ")}; ` +
      `request body bytes through the proxy during the second builds: ${proxy.uploadedBytes}; requests: ${proxy.requests.length}`,
  );
  checks.push(
    {
      name: `${label} streamed upload <= ${STREAMED_TARGET} x max(archive → /dev/null, raw upload)`,
      ok: wall(streamed) / base <= STREAMED_TARGET,
      detail: `${(wall(streamed) / base).toFixed(2)} (${wall(streamed).toFixed(0)} vs ${base.toFixed(0)} ms)`,
    },
    {
      name: `${label} peak RSS of the streamed upload <= ${RSS_TARGET_MIB} MiB`,
      ok: peakMiB(streamed) <= RSS_TARGET_MIB,
      detail: `${peakMiB(streamed).toFixed(1)} MiB`,
    },
    {
      name: `${label} second build <= ${DEDUP_TARGET * 100}% of the first build's upload time, uploading 0 bytes`,
      ok:
        uploadMs(dedup) / uploadMs(streamed) <= DEDUP_TARGET &&
        proxy.uploadedBytes === 0 &&
        JSON.stringify(objectsAfter) === JSON.stringify(objectsBefore),
      detail:
        `${((uploadMs(dedup) / uploadMs(streamed)) * 100).toFixed(1)}% (uploadBuildContext ${uploadMs(dedup).toFixed(0)} vs ${uploadMs(streamed).toFixed(0)} ms), ` +
        `${proxy.uploadedBytes} bytes sent, server listing ${JSON.stringify(objectsAfter) === JSON.stringify(objectsBefore) ? "unchanged" : "CHANGED"}`,
    },
  );
}

/** Removes `<prefix>/<dir>` from the bucket (with our store: cleaning up is not what is measured). */
async function swiftRemove(prefix: string, dir = CONTEXT_DIR): Promise<void> {
  const store = await S3ArtifactStoreFlavor.createComponent({
    name: "cleanup",
    config: s3Config(prefix, swift.endpoint),
  });
  if (await store.exists(dir)) await store.rmtree(dir);
}
