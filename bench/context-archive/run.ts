import { existsSync, readdirSync, statSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchArgs, parseBenchArgs, USAGE } from "./cli-args.js";
import { contenders, DEFAULT_ID, GZIP1_ID, PIGZ_ID } from "./contenders.js";
import { ensureContext, type GeneratedContext } from "./generate-context.js";
import { GNU_TIME, run, timed } from "./measure.js";
import {
  type Check,
  formatChecks,
  type Measured,
  mibOf,
  peakKiB,
  RSS_GROWTH_TARGET,
  resultsTable,
  table,
  targetChecks,
} from "./report.js";
import { mib, sizeLabel } from "./sizes.js";
import { verifyArchive } from "./verify.js";

interface SizeResult {
  context: GeneratedContext;
  results: Measured[];
  checks: Check[];
}

const CORE_DIR = fileURLToPath(new URL("../../packages/core", import.meta.url));

/** Fails early, with the fix, when a tool the anchors need is missing. */
async function checkTools(args: BenchArgs): Promise<void> {
  const needed: Array<[string, string]> = [
    ["tar", "tar"],
    ["gzip", "gzip"],
    ["pigz", "pigz"],
  ];
  if (!args.skip.has("python")) needed.push(["python3", "python3"]);
  const missing: string[] = [];
  if (!existsSync(GNU_TIME)) missing.push("time");
  for (const [command, pkg] of needed) {
    try {
      await run("bash", ["-c", `command -v ${command}`], process.cwd());
    } catch {
      missing.push(pkg);
    }
  }
  if (missing.length) {
    throw new Error(`Missing tools: ${missing.join(", ")}. Install them with: apt-get install -y ${missing.join(" ")}`);
  }
  const distIndex = path.join(CORE_DIR, "dist", "index.js");
  if (!existsSync(distIndex)) {
    throw new Error("@flavorstack/core is not built: run `pnpm --filter @flavorstack/core build` first.");
  }
  const built = statSync(distIndex).mtimeMs;
  const stale = readdirSync(path.join(CORE_DIR, "src"), { recursive: true, encoding: "utf8" }).filter(
    (name) => name.endsWith(".ts") && statSync(path.join(CORE_DIR, "src", name)).mtimeMs > built,
  );
  if (stale.length) {
    console.log(
      `warning: packages/core/src has changes newer than dist (${stale.slice(0, 3).join(", ")}${stale.length > 3 ? ", ..." : ""}); ` +
        "the benchmark measures the built dist — rebuild with `pnpm --filter @flavorstack/core build` to measure them.",
    );
  }
}

async function toolVersions(): Promise<string> {
  const first = async (command: string): Promise<string> => {
    try {
      return (await run("bash", ["-c", `${command} 2>&1 | head -1`], process.cwd())).trim();
    } catch {
      return "?";
    }
  };
  const [tar, gzip, pigz, python] = await Promise.all([
    first("tar --version"),
    first("gzip --version"),
    first("pigz --version"),
    first("python3 --version"),
  ]);
  return `node ${process.version}; ${tar}; ${gzip}; ${pigz}; ${python}`;
}

async function measureSize(args: BenchArgs, size: number): Promise<SizeResult> {
  const label = sizeLabel(size);
  const context = ensureContext(args.dataDir, size, label);
  console.log(
    `\n=== context ${label}: ${context.files} files in ${context.dirs} dirs, ${mib(context.bytes)} MiB ` +
      `(${context.generated ? `generated in ${(context.ms / 1000).toFixed(1)} s` : "cached"}) at ${context.root}`,
  );

  // page cache: every contender then reads warm files (tar to a pipe: GNU tar skips reading when writing to /dev/null)
  await run("bash", ["-c", "tar -cf - . | cat > /dev/null"], context.root);

  const verification = await verifyArchive(context.root, args.levels);
  console.log(`verification (decompresses, deterministic, checksum):\n${formatChecks(verification.checks)}`);

  const list = contenders(context.root, verification.defaultLevel, args.levels).filter((c) => !args.skip.has(c.id));
  const results: Measured[] = list.map((contender) => ({
    contender,
    wallMs: [],
    rssKiB: [],
    inProcMs: [],
    childRssKiB: [],
    bytes: undefined,
    sha256s: new Set(),
  }));
  // round-robin, so background noise spreads evenly over the contenders
  for (let i = 1; i <= args.runs; i++) {
    for (const m of results) {
      const sample = await timed(m.contender.command, m.contender.args, context.root);
      m.wallMs.push(sample.wallMs);
      m.rssKiB.push(sample.rssKiB);
      if (m.contender.kind !== "pipeline") readReport(m, sample.stdout);
      process.stderr.write(
        `  [${label} run ${i}/${args.runs}] ${m.contender.name}: ${sample.wallMs.toFixed(0)} ms, ${mibOf(sample.rssKiB).toFixed(1)} MiB\n`,
      );
    }
  }
  for (const m of results) {
    if (m.contender.sizeArgs)
      m.bytes = Number((await run(m.contender.command, m.contender.sizeArgs, context.root)).trim());
  }

  const byId = (id: string): Measured | undefined => results.find((m) => m.contender.id === id);
  const archive = byId(DEFAULT_ID);
  const checks = [...verification.checks.map((c) => ({ ...c, name: `${label} ${c.name}` }))];
  for (const m of results.filter((r) => r.contender.kind === "node")) {
    const expected = verification.sha256ByLevel[String(m.contender.level)];
    checks.push({
      name: `${label} ${m.contender.name}: same sha256 in all ${m.wallMs.length} timed runs and the verification`,
      ok: m.sha256s.size === 1 && (expected === undefined || m.sha256s.has(expected)),
      detail: [...m.sha256s].map((sha) => `${sha.slice(0, 16)}…`).join(", "),
    });
  }

  console.log(
    `\nresults at ${label} (median of ${args.runs} runs; wall = whole process, spawn to exit; ` +
      `load average now ${loadavg()[0]?.toFixed(2)}):`,
  );
  console.log(resultsTable(results, byId(PIGZ_ID), byId(GZIP1_ID)));
  console.log(
    "peak RSS: max over the runs of /usr/bin/time %M — for the writeArchive and python rows the one process doing the work;\n" +
      "for the tar pipelines the largest single process among bash's children (%M reports the max, not the sum).\n" +
      "in-proc ms: writeArchive alone, timed inside the worker (the process wall adds Node startup and importing @flavorstack/core).",
  );
  return { context, results, checks: [...checks, ...targetChecks(label, archive, byId(PIGZ_ID), byId(GZIP1_ID))] };
}

function readReport(m: Measured, stdout: string): void {
  const line = stdout.trim().split("\n").pop() ?? "";
  const report = JSON.parse(line) as { bytes?: number; ms?: number; sha256?: string; maxRssKiB?: number };
  if (m.bytes !== undefined && report.bytes !== undefined && m.bytes !== report.bytes) {
    throw new Error(`${m.contender.name} wrote ${report.bytes} bytes, earlier ${m.bytes}: not deterministic.`);
  }
  m.bytes = report.bytes;
  if (report.ms !== undefined) m.inProcMs.push(report.ms);
  if (report.maxRssKiB !== undefined) m.childRssKiB.push(report.maxRssKiB);
  if (report.sha256 !== undefined) m.sha256s.add(report.sha256);
}

/** Peak RSS per contender side by side across the sizes, and whether writeArchive's stays flat. */
function rssAcrossSizes(sizes: SizeResult[]): Check[] {
  const labels = sizes.map((s) => s.context.label);
  const names = [...new Set(sizes.flatMap((s) => s.results.map((m) => m.contender.name)))];
  const rows = names.map((name) => [
    name,
    ...sizes.map((s) => {
      const m = s.results.find((r) => r.contender.name === name);
      return m ? mibOf(peakKiB(m)).toFixed(1) : "-";
    }),
  ]);
  console.log(`\npeak RSS (MiB) by context size:\n${table(["contender", ...labels], rows, (c) => c > 0)}`);
  const peaks = sizes.map((s) => {
    const m = s.results.find((r) => r.contender.id === DEFAULT_ID);
    return m && mibOf(peakKiB(m));
  });
  const first = peaks[0];
  const last = peaks[peaks.length - 1];
  if (first === undefined || last === undefined) return [];
  return [
    {
      target: true,
      name: `writeArchive peak RSS flat from ${labels[0]} to ${labels[labels.length - 1]} (<= ${RSS_GROWTH_TARGET.toFixed(2)} x)`,
      ok: last / first <= RSS_GROWTH_TARGET,
      detail: `${first.toFixed(1)} -> ${last.toFixed(1)} MiB (${(last / first).toFixed(2)} x)`,
    },
  ];
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args === "help") {
    console.log(USAGE);
    return;
  }
  await checkTools(args);
  console.log(
    `context-archive benchmark: sizes ${args.sizes.map(sizeLabel).join(", ")}, ${args.runs} runs each, ` +
      `${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(await toolVersions());

  const sizes: SizeResult[] = [];
  for (const size of args.sizes) sizes.push(await measureSize(args, size));

  const checks = sizes.flatMap((s) => s.checks);
  if (sizes.length > 1) checks.push(...rssAcrossSizes(sizes));
  else {
    checks.push({
      name: "writeArchive peak RSS flat as the context grows",
      ok: undefined,
      detail: "needs two sizes: --sizes 128MB,1GB",
    });
  }
  console.log(`\nchecks (targets are for writeArchive at its default level):\n${formatChecks(checks)}`);
  const failedVerification = sizes.some((s) => s.checks.some((c) => c.ok === false && !c.target));
  console.log(failedVerification ? "\nverification FAILED" : "\nverification ok");
  if (failedVerification) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
