import type { BuildProgress, Logger } from "@flavorstack/core";
import { formatBytes } from "../output/format-bytes.js";
import { createLineLogger } from "../output/stderr-logger.js";

export interface BuildProgressDisplay {
  onProgress: (progress: BuildProgress) => void;
  onLog: (line: string) => void;
  logger: Logger;
  /** Ends the display; safe to call twice. */
  stop: () => void;
}

/** The phase of progress from a builder that names none: bytes of the build context sent. */
const DEFAULT_PHASE = "context";
/** The executor's log, counted in lines. */
const LOG_PHASE = "log";
/** Plain output prints a phase's byte count at most this often. */
const PLAIN_INTERVAL_MS = 2000;

/**
 * On a TTY, one cli-progress line per phase of the build (archive, upload, stream, executor log) with
 * the log's lines printed above them; otherwise plain lines. Both on `stream` (stderr).
 */
export async function createBuildProgress(stream: NodeJS.WriteStream): Promise<BuildProgressDisplay> {
  return stream.isTTY ? createBarProgress(stream) : createPlainProgress(stream);
}

async function createBarProgress(stream: NodeJS.WriteStream): Promise<BuildProgressDisplay> {
  const { MultiBar } = await import("cli-progress");
  const bars = new MultiBar({
    stream,
    hideCursor: true,
    clearOnComplete: false,
    format: (_options, _params, payload: { phase: string; amount: string }) =>
      `${payload.phase.padEnd(8)} ${payload.amount}`,
  });
  const lines = new Map<string, ReturnType<InstanceType<typeof MultiBar>["create"]>>();
  const show = (phase: string, value: number, amount: string) => {
    const line = lines.get(phase) ?? bars.create(0, 0, { phase, amount });
    lines.set(phase, line);
    line.update(value, { phase, amount });
  };
  const print = (text: string) => bars.log(`${text}\n`);
  let logLines = 0;
  let stopped = false;
  return {
    onProgress: ({ bytes, phase = DEFAULT_PHASE }) => show(phase, bytes, formatBytes(bytes)),
    onLog: (line) => {
      logLines++;
      print(line);
      show(LOG_PHASE, logLines, `${logLines} executor log line${logLines === 1 ? "" : "s"}`);
    },
    logger: createLineLogger(print),
    stop: () => {
      if (stopped) return;
      stopped = true;
      // cli-progress prints logged lines on its next redraw: draw once more, so the last ones are not lost.
      bars.update();
      bars.stop();
    },
  };
}

function createPlainProgress(stream: NodeJS.WriteStream): BuildProgressDisplay {
  const print = (line: string) => stream.write(`${line}\n`);
  let current: { phase: string; bytes: number; printedAt: number } | undefined;
  const finishPhase = () => {
    if (current) print(`${current.phase}: ${formatBytes(current.bytes)}, done`);
    current = undefined;
  };
  return {
    onProgress: ({ bytes, phase = DEFAULT_PHASE }) => {
      const now = Date.now();
      if (current?.phase !== phase) {
        finishPhase();
        print(`${phase}: started`);
        current = { phase, bytes, printedAt: now };
        return;
      }
      current.bytes = bytes;
      if (now - current.printedAt >= PLAIN_INTERVAL_MS) {
        current.printedAt = now;
        print(`${phase}: ${formatBytes(bytes)}`);
      }
    },
    onLog: print,
    logger: createLineLogger(print),
    stop: finishPhase,
  };
}
