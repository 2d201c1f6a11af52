import type { Logger } from "@flavorstack/core";
import { formatBytes } from "../output/format-bytes.js";
import { createLineLogger } from "../output/stderr-logger.js";

/** What a build reports: bytes of its current phase (`archive`, `upload`, `stream`, …), and a total when known. */
export interface BuildProgressEvent {
  bytes: number;
  phase?: string;
  total?: number;
}

export interface BuildProgress {
  onProgress: (event: BuildProgressEvent) => void;
  onLog: (line: string) => void;
  logger: Logger;
  /** Ends the display; safe to call twice. */
  stop: () => void;
}

/** The phase of a progress event that names none: bytes of the build context sent. */
const DEFAULT_PHASE = "context";
const LOG_PHASE = "log";
/** Plain output prints a phase's byte count at most this often. */
const PLAIN_INTERVAL_MS = 2000;

/** On a TTY, one cli-progress bar per phase, log lines above them; otherwise plain lines. Both on `stream`. */
export async function createBuildProgress(stream: NodeJS.WriteStream): Promise<BuildProgress> {
  return stream.isTTY ? createBarProgress(stream) : createPlainProgress(stream);
}

async function createBarProgress(stream: NodeJS.WriteStream): Promise<BuildProgress> {
  const { MultiBar } = await import("cli-progress");
  const bars = new MultiBar({
    stream,
    hideCursor: true,
    clearOnComplete: false,
    autopadding: true,
    barsize: 30,
    format: (options, params, payload: { phase: string; amount: string; known: boolean }) => {
      const size = options.barsize ?? 30;
      const filled = Math.round(params.progress * size);
      const bar = payload.known ? ` [${"=".repeat(filled)}${" ".repeat(size - filled)}]` : "";
      return `${payload.phase.padEnd(8)}${bar} ${payload.amount}`;
    },
  });
  const phases = new Map<string, ReturnType<InstanceType<typeof MultiBar>["create"]>>();
  let logLines = 0;
  const update = (phase: string, value: number, total: number | undefined, amount: string) => {
    let bar = phases.get(phase);
    if (!bar) {
      bar = bars.create(total ?? 0, 0, { phase, amount, known: total !== undefined });
      phases.set(phase, bar);
    }
    if (total !== undefined) bar.setTotal(total);
    bar.update(value, { phase, amount, known: total !== undefined });
  };
  const print = (line: string) => bars.log(`${line}\n`);
  let stopped = false;
  return {
    onProgress: ({ bytes, phase = DEFAULT_PHASE, total }) =>
      update(phase, bytes, total, total === undefined ? formatBytes(bytes) : `${formatBytes(bytes)} / ${formatBytes(total)}`),
    onLog: (line) => {
      logLines++;
      print(line);
      update(LOG_PHASE, logLines, undefined, `${logLines} executor log line${logLines === 1 ? "" : "s"}`);
    },
    logger: createLineLogger(print),
    stop: () => {
      if (stopped) return;
      stopped = true;
      bars.stop();
    },
  };
}

function createPlainProgress(stream: NodeJS.WriteStream): BuildProgress {
  const print = (line: string) => stream.write(`${line}\n`);
  let current: { phase: string; bytes: number; printedAt: number } | undefined;
  const finishPhase = () => {
    if (current) print(`${current.phase}: done, ${formatBytes(current.bytes)}`);
    current = undefined;
  };
  return {
    onProgress: ({ bytes, phase = DEFAULT_PHASE, total }) => {
      const now = Date.now();
      if (current?.phase !== phase) {
        finishPhase();
        print(`${phase}: started${total === undefined ? "" : ` (${formatBytes(total)})`}`);
        current = { phase, bytes, printedAt: now };
        return;
      }
      current.bytes = bytes;
      if (now - current.printedAt >= PLAIN_INTERVAL_MS) {
        current.printedAt = now;
        print(`${phase}: ${formatBytes(bytes)}${total === undefined ? "" : ` / ${formatBytes(total)}`}`);
      }
    },
    onLog: print,
    logger: createLineLogger(print),
    stop: finishPhase,
  };
}
