// Start-up of the `flavorstack` command (issue 9 §3): wall time of `flavorstack --help` and of
// `flavorstack stack list` on a store of 50 components, beside bare `node -e 0` in the same run. Each
// contender is its own process, run round-robin so background noise spreads evenly; medians reported.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { median, run, timed } from "../context-archive/measure.js";

const USAGE = `Usage: pnpm --filter @flavorstack/bench cli-startup [options]

  --runs <n>   runs per contender (default 21); medians are reported
`;

const CLI_BIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@flavorstack/cli/package.json")),
  "dist",
  "bin.js",
);

/** The store's size the target is stated for, and how it splits over the component types. */
const COMPONENTS = { "artifact-store": 20, "container-registry": 15, "image-builder": 15 } as const;
const STACKS = 10;

interface Contender {
  id: string;
  args: string[];
  /** The bound, as a multiple of bare `node -e 0`. */
  target?: number;
}

interface Row {
  id: string;
  wallMs: number;
  spreadMs: number;
  rssMiB: number;
  target?: number;
}

/** Registers the components and stacks through the CLI itself, as a user would. */
async function fillStore(store: string, dir: string): Promise<void> {
  const cli = (...args: string[]) => run(process.execPath, [CLI_BIN, "--store", store, ...args], dir);
  const configs: Record<keyof typeof COMPONENTS, (i: number) => string[]> = {
    "artifact-store": (i) => ["--flavor", "local", "--path", path.join(dir, `artifacts-${i}`)],
    "container-registry": (i) => ["--flavor", "default", "--uri", `registry-${i}.example.com/team`],
    "image-builder": () => ["--flavor", "local"],
  };
  for (const [command, count] of Object.entries(COMPONENTS) as [keyof typeof COMPONENTS, number][]) {
    for (let i = 0; i < count; i++) await cli(command, "register", `${command}-${i}`, ...configs[command](i));
  }
  for (let i = 0; i < STACKS; i++) {
    await cli(
      "stack",
      "register",
      `stack-${i}`,
      "-a",
      `artifact-store-${i}`,
      "-c",
      `container-registry-${i}`,
      "-i",
      `image-builder-${i}`,
    );
  }
}

async function measure(contenders: Contender[], cwd: string, runs: number): Promise<Row[]> {
  const samples = new Map(contenders.map((c) => [c.id, [] as { wallMs: number; rssKiB: number }[]]));
  for (const contender of contenders) await timed(process.execPath, contender.args, cwd); // warm the compile cache
  for (let i = 0; i < runs; i++) {
    for (const contender of contenders)
      samples.get(contender.id)?.push(await timed(process.execPath, contender.args, cwd));
  }
  return contenders.map(({ id, target }) => {
    const list = samples.get(id) ?? [];
    const sorted = list.map((s) => s.wallMs).sort((a, b) => a - b);
    const quartile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      id,
      wallMs: median(sorted),
      spreadMs: quartile(0.75) - quartile(0.25),
      rssMiB: median(list.map((s) => s.rssKiB)) / 1024,
      target,
    };
  });
}

function printTable(rows: Row[]): void {
  const bare = rows[0];
  const header = ["contender", "wall ms", "IQR", "× bare", "target", "RSS MiB"];
  const lines = rows.map((row) => {
    const ratio = bare ? row.wallMs / bare.wallMs : Number.NaN;
    const verdict = row.target === undefined ? "-" : `≤ ${row.target}× ${ratio <= row.target ? "ok" : "MISS"}`;
    return [row.id, row.wallMs.toFixed(1), row.spreadMs.toFixed(1), ratio.toFixed(2), verdict, row.rssMiB.toFixed(1)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "21" }, help: { type: "boolean", short: "h" } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not '${values.runs}'.`);
  const dir = mkdtempSync(path.join(tmpdir(), "cli-startup-bench-"));
  try {
    const store = path.join(dir, "store.db");
    const total = Object.values(COMPONENTS).reduce((sum, count) => sum + count, 0);
    console.log(`Filling a store with ${total} components and ${STACKS} stacks through the CLI…`);
    await fillStore(store, dir);
    const cli = (...args: string[]) => [CLI_BIN, "--store", store, ...args];
    const contenders: Contender[] = [
      { id: "node -e 0", args: ["-e", "0"] },
      { id: "flavorstack --help", args: cli("--help"), target: 2 },
      { id: `flavorstack stack list (${total} components)`, args: cli("stack", "list"), target: 3 },
      { id: "flavorstack artifact-store list", args: cli("artifact-store", "list") },
      { id: "flavorstack flavor list (loads core + integrations)", args: cli("flavor", "list") },
    ];
    const [load1] = (await import("node:os")).loadavg();
    console.log(
      `${process.execPath} (${process.version}), ${runs} runs each, medians; load average ${load1?.toFixed(2)}:`,
    );
    printTable(await measure(contenders, dir, runs));
    console.log(`load average after: ${(await import("node:os")).loadavg()[0]?.toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
