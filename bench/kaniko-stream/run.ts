import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { BuildContext, type ContainerRegistry, DefaultContainerRegistryFlavor, silentLogger } from "@flavorstack/core";
import { KanikoImageBuilder, KanikoImageBuilderFlavor } from "@flavorstack/kaniko";
import { type ExecutorContext, type ExecutorResult, startKubernetesDouble } from "@flavorstack/testing";
import { KANIKO_NAMESPACE } from "@flavorstack/testing/kaniko";
import { ensureContext } from "../context-archive/generate-context.js";
import { mib, parseSize, sizeLabel } from "../context-archive/sizes.js";

/**
 * The kaniko image builder's own cost, against the Kubernetes API double on
 * 127.0.0.1 with an executor that does no building: (1) the overhead of a
 * whole `build()` of a tiny context, (2) how fast a large context streams
 * through `build()` (attach stdin) next to `writeArchive` into a discarding
 * sink in the same process.
 */

const USAGE = `Usage: pnpm --filter @flavorstack/bench kaniko-stream [--size 200MB] [--runs 3] [--overhead-runs 15] [--double in-process,child] [--stdin-high-water <size>] [--data-dir <dir>]`;

const OVERHEAD_TARGET_MS = 100;
const RATIO_TARGET = 0.9;
const REGISTRY = "registry.example.com:5000";
const REPOSITORY = `${REGISTRY}/flavorstack/kaniko-stream`;
const FAKE_DIGEST = `sha256:${"ab".repeat(32)}`;

interface Args {
  size: number;
  runs: number;
  overheadRuns: number;
  dataDir: string;
  doubles: DoubleMode[];
  /** The double's attach stdin buffer (its default, 64 KiB, when unset). */
  stdinHighWater: number | undefined;
}

type DoubleMode = "in-process" | "child";

function parseArgs(argv: string[]): Args {
  const args: Args = {
    size: 200 * 1024 ** 2,
    runs: 3,
    overheadRuns: 15,
    dataDir: fileURLToPath(new URL("../.bench-data", import.meta.url)),
    doubles: ["in-process", "child"],
    stdinHighWater: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === "--") continue;
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    if (value === undefined) throw new Error(`${flag} needs a value.\n${USAGE}`);
    i++;
    if (flag === "--size") args.size = parseSize(value);
    else if (flag === "--runs") args.runs = positive(flag, value);
    else if (flag === "--overhead-runs") args.overheadRuns = positive(flag, value);
    else if (flag === "--data-dir") args.dataDir = path.resolve(value);
    else if (flag === "--stdin-high-water") args.stdinHighWater = parseSize(value);
    else if (flag === "--double") {
      args.doubles = value.split(",").map((mode) => {
        if (mode !== "in-process" && mode !== "child")
          throw new Error(`--double takes in-process and/or child, not '${mode}'.`);
        return mode;
      });
    } else throw new Error(`Unknown option ${flag}.\n${USAGE}`);
  }
  return args;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} wants a positive integer, not '${value}'.`);
  return n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** What the executor saw of the last pod's stdin. */
const lastStdin = { bytes: 0, ms: 0 };

/** Drains stdin, counting bytes, and reports a push of the requested repository at once. */
async function drainingExecutor(context: ExecutorContext): Promise<ExecutorResult> {
  const started = performance.now();
  let bytes = 0;
  for await (const chunk of context.stdin) bytes += (chunk as Buffer).length;
  lastStdin.bytes = bytes;
  lastStdin.ms = performance.now() - started;
  return { exitCode: 0, terminationMessage: `${REPOSITORY}@${FAKE_DIGEST}\n` };
}

function discard(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      sink.bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

interface Double {
  kubeconfig: string;
  contextName: string;
  /** What the executor saw of the last pod's stdin. */
  /** cpuMs: the double process's CPU while the executor read stdin (child double only). */
  lastStdin(): { bytes: number; ms: number; cpuMs?: number };
  /** Stops the double; returns how many pods were left on it. */
  stop(): Promise<number>;
}

async function inProcessDouble(stdinHighWater: number | undefined): Promise<Double> {
  const cluster = await startKubernetesDouble({
    namespaces: [KANIKO_NAMESPACE],
    executor: drainingExecutor,
    timings: { scheduleMs: 0, pullMs: 0, startMs: 0 },
    ...(stdinHighWater === undefined ? {} : { stdinHighWaterMark: stdinHighWater }),
  });
  return {
    kubeconfig: cluster.kubeconfig,
    contextName: cluster.contextName,
    lastStdin: () => ({ ...lastStdin }),
    stop: async () => {
      const pods = cluster.pods().length;
      await cluster.stop();
      return pods;
    },
  };
}

async function childDouble(scratch: string, stdinHighWater: number | undefined): Promise<Double> {
  const statsDir = mkdtempSync(path.join(scratch, "stats-"));
  const worker = fileURLToPath(new URL("./double-worker.mjs", import.meta.url));
  const child = spawn(
    process.execPath,
    [worker, statsDir, `${REPOSITORY}@${FAKE_DIGEST}\n`, String(stdinHighWater ?? "")],
    {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) throw new Error("The double's worker process exited before printing its kubeconfig.");
  const { kubeconfig, contextName } = JSON.parse(first.value) as { kubeconfig: string; contextName: string };
  return {
    kubeconfig,
    contextName,
    lastStdin: () =>
      JSON.parse(readFileSync(path.join(statsDir, "last.json"), "utf8")) as {
        bytes: number;
        ms: number;
        cpuMs: number;
      },
    stop: async () => {
      child.stdin.end();
      const last = await iterator.next();
      return last.done ? -1 : (JSON.parse(last.value) as { pods: number }).pods;
    },
  };
}

interface SuiteResult {
  mode: DoubleMode;
  overhead: number[];
  getMs: number[];
  buildMs: number[];
  stdinMs: number[];
  /** writeArchive into /dev/null (the issue's anchor). */
  writeMs: number[];
  /** writeArchive into a Writable that drops every chunk (no syscall at all: a stricter anchor). */
  discardMs: number[];
  /** CPU time (user + system, all threads) of this process during writeArchive to /dev/null and during build(). */
  writeCpuMs: number[];
  buildCpuMs: number[];
  /** CPU time of the double's process while its executor read stdin (child double only). */
  doubleCpuMs: number[];
  archiveBytes: number;
  pods: number;
}

async function suite(
  mode: DoubleMode,
  scratch: string,
  tiny: BuildContext,
  big: BuildContext,
  args: Args,
): Promise<SuiteResult> {
  const cluster =
    mode === "in-process"
      ? await inProcessDouble(args.stdinHighWater)
      : await childDouble(scratch, args.stdinHighWater);
  let result: SuiteResult;
  let pods = -1;
  try {
    const kubeconfigPath = path.join(scratch, `kubeconfig-${mode}`);
    writeFileSync(kubeconfigPath, cluster.kubeconfig);
    const builder: KanikoImageBuilder = new KanikoImageBuilder(
      {
        id: "kaniko-stream-bench",
        name: "bench-builder",
        flavor: "kaniko",
        config: KanikoImageBuilderFlavor.parseConfig({ kubernetesContext: cluster.contextName }),
      },
      { kubeconfigPath, logger: silentLogger, handleProcessSignals: false },
    );
    const containerRegistry: ContainerRegistry = await DefaultContainerRegistryFlavor.createComponent({
      name: "registry",
      config: { uri: REGISTRY },
    });
    const build = async (context: BuildContext, tag: string) => {
      const image = await builder.build(`${REPOSITORY}:${tag}`, context, {}, containerRegistry);
      if (image.digest !== FAKE_DIGEST) throw new Error(`build() returned ${image}, expected digest ${FAKE_DIGEST}`);
    };

    // 1. Overhead of build() on a tiny context.
    for (let i = 0; i < 3; i++) await build(tiny, `warm-${i}`);
    const overhead: number[] = [];
    for (let i = 0; i < args.overheadRuns; i++) {
      const started = performance.now();
      await build(tiny, `tiny-${i}`);
      overhead.push(performance.now() - started);
    }

    // Anchor: one authenticated GET to the same API server (the floor of any API call).
    const server = /server:\s*"?([^"\n]+)"?/.exec(cluster.kubeconfig)?.[1];
    const token = /token:\s*"?([^"\n]+)"?/.exec(cluster.kubeconfig)?.[1];
    const getMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const response = await fetch(`${server}/api/v1/namespaces/${KANIKO_NAMESPACE}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      if (i >= 5) getMs.push(performance.now() - started);
    }

    // 2. Throughput of a large context, round-robin with writeArchive into a discarding sink.
    const buildMs: number[] = [];
    const writeMs: number[] = [];
    const discardMs: number[] = [];
    const stdinMs: number[] = [];
    const writeCpuMs: number[] = [];
    const buildCpuMs: number[] = [];
    const doubleCpuMs: number[] = [];
    let archiveBytes = 0;
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    for (let run = 0; run < args.runs; run++) {
      let started = performance.now();
      let cpu = process.cpuUsage();
      archiveBytes = (await big.writeArchive(createWriteStream("/dev/null"), { gzip: true })).bytes;
      writeMs.push(performance.now() - started);
      writeCpuMs.push(cpuMs(cpu));

      started = performance.now();
      await big.writeArchive(discard(), { gzip: true });
      discardMs.push(performance.now() - started);

      started = performance.now();
      cpu = process.cpuUsage();
      await build(big, `big-${run}`);
      buildMs.push(performance.now() - started);
      buildCpuMs.push(cpuMs(cpu));
      const seen = cluster.lastStdin();
      stdinMs.push(seen.ms);
      if (seen.cpuMs !== undefined) doubleCpuMs.push(seen.cpuMs);
      if (seen.bytes !== archiveBytes) {
        throw new Error(`The executor read ${seen.bytes} bytes of stdin, writeArchive wrote ${archiveBytes}.`);
      }
    }
    result = {
      mode,
      overhead,
      getMs,
      buildMs,
      stdinMs,
      writeMs,
      discardMs,
      writeCpuMs,
      buildCpuMs,
      doubleCpuMs,
      archiveBytes,
      pods: -1,
    };
  } finally {
    pods = await cluster.stop();
    if (pods !== 0) console.error(`${mode} double: ${pods} pod(s) left after the builds (-1: unknown)`);
  }
  return { ...result, pods };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(
    `kaniko-stream: Node ${process.version}, ${availableParallelism()} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const scratch = mkdtempSync(path.join(tmpdir(), "flavorstack-kaniko-stream-"));
  try {
    const tinyDir = path.join(scratch, "tiny");
    mkdirSync(tinyDir);
    writeFileSync(path.join(tinyDir, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
    writeFileSync(path.join(tinyDir, "hello.txt"), "hello from the kaniko-stream bench\n");
    const tiny = new BuildContext({ root: tinyDir, logger: silentLogger });
    const tinyWriteMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await tiny.writeArchive(discard(), { gzip: true });
      tinyWriteMs.push(performance.now() - started);
    }

    const label = sizeLabel(args.size);
    const generated = ensureContext(args.dataDir, args.size, label);
    console.log(
      `context ${label}: ${mib(generated.bytes)} MiB in ${generated.files} files (${generated.generated ? `generated in ${fmt(generated.ms / 1000)} s` : "cached"}) at ${generated.root}`,
    );
    const big = new BuildContext({ root: generated.root, logger: silentLogger });
    await big.writeArchive(discard(), { gzip: true }); // warms the page cache

    if (args.stdinHighWater !== undefined) console.log(`double: stdinHighWaterMark ${args.stdinHighWater} B`);
    const results: SuiteResult[] = [];
    for (const mode of args.doubles) results.push(await suite(mode, scratch, tiny, big, args));

    const MiB = 1024 ** 2;
    const mbps = (ms: number) => generated.bytes / MiB / (ms / 1000);
    const spread = (values: number[], digits = 1) => values.map((v) => fmt(v, digits)).join(" ");
    console.log();
    console.log(`1. build() overhead, tiny context (${args.overheadRuns} runs after 3 warm-ups, double timings 0)`);
    const overheadRows: string[][] = [];
    for (const r of results) {
      overheadRows.push([
        `build() create→attach→stream→terminated→delete [double ${r.mode}]`,
        fmt(median(r.overhead)),
        fmt(Math.min(...r.overhead)),
        fmt(Math.max(...r.overhead)),
      ]);
      overheadRows.push([
        `anchor: one GET namespace via fetch [double ${r.mode}]`,
        fmt(median(r.getMs), 2),
        fmt(Math.min(...r.getMs), 2),
        fmt(Math.max(...r.getMs), 2),
      ]);
    }
    overheadRows.push([
      "anchor: writeArchive of the tiny context",
      fmt(median(tinyWriteMs), 2),
      fmt(Math.min(...tinyWriteMs), 2),
      fmt(Math.max(...tinyWriteMs), 2),
    ]);
    console.log(table(["row", "median ms", "min ms", "max ms"], overheadRows));

    console.log();
    const archiveBytes = results[0]?.archiveBytes ?? 0;
    console.log(
      `2. streaming ${label} (${mib(generated.bytes)} MiB of files → ${mib(archiveBytes)} MiB gzip), median of ${args.runs} each, MB/s = MiB of context files per second`,
    );
    const streamRows: string[][] = [];
    for (const r of results) {
      streamRows.push([
        `build() over attach stdin [double ${r.mode}]`,
        fmt(median(r.buildMs), 0),
        fmt(mbps(median(r.buildMs))),
        fmt(median(r.writeMs) / median(r.buildMs), 3),
        fmt(median(r.buildCpuMs), 0),
        spread(r.buildMs, 0),
      ]);
      streamRows.push([
        `  of which the executor reading stdin`,
        fmt(median(r.stdinMs), 0),
        fmt(mbps(median(r.stdinMs))),
        fmt(median(r.writeMs) / median(r.stdinMs), 3),
        r.doubleCpuMs.length > 0 ? `double ${fmt(median(r.doubleCpuMs), 0)}` : "",
        spread(r.stdinMs, 0),
      ]);
      streamRows.push([
        `anchor: writeArchive → /dev/null`,
        fmt(median(r.writeMs), 0),
        fmt(mbps(median(r.writeMs))),
        "1.000",
        fmt(median(r.writeCpuMs), 0),
        spread(r.writeMs, 0),
      ]);
      streamRows.push([
        `anchor: writeArchive → discarding Writable (no syscalls)`,
        fmt(median(r.discardMs), 0),
        fmt(mbps(median(r.discardMs))),
        fmt(median(r.writeMs) / median(r.discardMs), 3),
        "",
        spread(r.discardMs, 0),
      ]);
    }
    console.log(table(["row", "median ms", "MB/s", "ratio", "cpu ms", "runs ms"], streamRows));

    console.log();
    console.log("checks");
    for (const r of results) {
      const overheadMedian = median(r.overhead);
      const ratio = median(r.writeMs) / median(r.buildMs);
      const checks: Array<[string, boolean, string]> = [
        [
          `build() overhead ≤ ${OVERHEAD_TARGET_MS} ms`,
          overheadMedian <= OVERHEAD_TARGET_MS,
          `${fmt(overheadMedian)} ms`,
        ],
        [
          `streaming (whole build()) ≥ ${fmt(RATIO_TARGET, 2)} × writeArchive to /dev/null`,
          ratio >= RATIO_TARGET,
          `${fmt(ratio, 3)} (${fmt(mbps(median(r.buildMs)))} / ${fmt(mbps(median(r.writeMs)))} MB/s; ${fmt(
            median(r.discardMs) / median(r.buildMs),
            3,
          )} against the discarding Writable)`,
        ],
        ["every archive byte reached the executor, no pods left", r.pods === 0, `${r.archiveBytes} B, ${r.pods} pods`],
      ];
      for (const [name, ok, detail] of checks)
        console.log(`  ${ok ? "ok  " : "MISS"}  [double ${r.mode}] ${name}: ${detail}`);
    }
    console.log(
      `load after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
