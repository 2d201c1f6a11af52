// Start-up cost: wall time and peak RSS of a Node process that imports one of our entry points, beside
// bare `node -e 0` and beside `import("zod")` alone (zod is the floor: every config schema needs it), in
// the same run. Each contender is its own process, run round-robin so background noise spreads evenly.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median, timed } from "../context-archive/measure.js";

const USAGE = `Usage: pnpm --filter @flavorstack/bench startup [options]

  --runs <n>           runs per contender (default 15); medians are reported
  --node <path,...>    Node binaries to measure, side by side (default: the node running this script)
`;

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
/** Where bare specifiers resolve from: core's own folder, so zod resolves to the copy core imports. */
const CORE_DIR = path.dirname(createRequire(import.meta.url).resolve("@flavorstack/core/package.json"));

/** Targets of issue 7 §8: core's import over zod's alone. */
const CORE_OVER_ZOD_MS = 30;
const CORE_OVER_ZOD_MIB = 5;

interface Contender {
  id: string;
  cwd: string;
  script: string;
}

const CONTENDERS: Contender[] = [
  { id: "node -e 0", cwd: BENCH_DIR, script: "0" },
  { id: 'import("zod")', cwd: CORE_DIR, script: 'await import("zod")' },
  { id: 'import("@flavorstack/core")', cwd: BENCH_DIR, script: 'await import("@flavorstack/core")' },
  {
    id: 'import("@flavorstack/core/plugin")',
    cwd: BENCH_DIR,
    script: 'await import("@flavorstack/core/plugin")',
  },
  { id: 'import("@flavorstack/kaniko")', cwd: BENCH_DIR, script: 'await import("@flavorstack/kaniko")' },
];

interface Row {
  id: string;
  wallMs: number;
  spreadMs: number;
  rssMiB: number;
}

async function measureNode(node: string, runs: number): Promise<Row[]> {
  const available: Contender[] = [];
  for (const contender of CONTENDERS) {
    try {
      await timed(node, ["--input-type=module", "-e", contender.script], contender.cwd);
      available.push(contender);
    } catch {
      console.log(`  (${contender.id}: not importable here, left out)`);
    }
  }
  const samples = new Map(available.map((c) => [c.id, [] as { wallMs: number; rssKiB: number }[]]));
  for (let run = 0; run < runs; run++) {
    for (const contender of available) {
      const sample = await timed(node, ["--input-type=module", "-e", contender.script], contender.cwd);
      samples.get(contender.id)?.push(sample);
    }
  }
  return available.map(({ id }) => {
    const list = samples.get(id) ?? [];
    const walls = list.map((s) => s.wallMs);
    const sorted = [...walls].sort((a, b) => a - b);
    const quartile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      id,
      wallMs: median(walls),
      spreadMs: quartile(0.75) - quartile(0.25),
      rssMiB: median(list.map((s) => s.rssKiB)) / 1024,
    };
  });
}

function printTable(rows: Row[]): void {
  const bare = rows.find((r) => r.id === "node -e 0");
  const zod = rows.find((r) => r.id === 'import("zod")');
  const header = ["contender", "wall ms", "IQR", "× bare", "Δ zod ms", "RSS MiB", "Δ zod MiB"];
  const lines = rows.map((r) => [
    r.id,
    r.wallMs.toFixed(1),
    r.spreadMs.toFixed(1),
    bare ? (r.wallMs / bare.wallMs).toFixed(2) : "-",
    zod && r !== bare ? (r.wallMs - zod.wallMs).toFixed(1) : "-",
    r.rssMiB.toFixed(1),
    zod && r !== bare ? (r.rssMiB - zod.rssMiB).toFixed(1) : "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  const core = rows.find((r) => r.id === 'import("@flavorstack/core")');
  if (core && zod) {
    const ms = core.wallMs - zod.wallMs;
    const mib = core.rssMiB - zod.rssMiB;
    const verdict = (ok: boolean) => (ok ? "ok" : "MISS");
    console.log(
      `target: core over zod ≤ ${CORE_OVER_ZOD_MS} ms: ${ms.toFixed(1)} ms ${verdict(ms <= CORE_OVER_ZOD_MS)}; ` +
        `≤ ${CORE_OVER_ZOD_MIB} MiB: ${mib.toFixed(1)} MiB ${verdict(mib <= CORE_OVER_ZOD_MIB)}`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "15" },
      node: { type: "string", default: process.execPath },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not '${values.runs}'.`);
  for (const node of values.node.split(",")) {
    const version = (await timed(node, ["-p", "process.version"], BENCH_DIR)).stdout.trim();
    console.log(`\n${node} (${version}), ${runs} runs each, medians:`);
    printTable(await measureNode(node, runs));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
