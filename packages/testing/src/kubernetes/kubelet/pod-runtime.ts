import { PassThrough } from "node:stream";
import type { PodFaults } from "../faults/fault-plan.js";
import type { ExecutorResult } from "./executor.js";

/** One line of a container log. */
export interface LogEntry {
  /** RFC 3339 with nanoseconds, as `timestamps=true` prints it. */
  time: string;
  stream: "stdout" | "stderr";
  /** The line, ending in `\n`. */
  text: string;
}

type LogListener = (entry: LogEntry) => void;
type TerminationListener = (result: ExecutorResult) => void;

function nanoTime(): string {
  const now = new Date();
  return now.toISOString().replace(/\.(\d{3})Z$/, (_match, millis: string) => `.${millis}000000Z`);
}

/** The simulated container of a pod: its stdin, log, executor lifecycle and attach hooks. */
export class PodRuntime {
  readonly stdin: PassThrough;
  readonly abortController = new AbortController();
  readonly logEntries: LogEntry[] = [];
  /** The container has started (logs and attach are served). */
  started = false;
  /** The container has terminated (or the pod is gone): the result is final. */
  result: ExecutorResult | undefined;
  /** Resolves when the executor has returned (or immediately when none ran). */
  executorDone: Promise<void> = Promise.resolve();
  /** The pod faults taken when the pod was created. */
  readonly faults: PodFaults;
  /** The container's stdin ends at the first attached client's EOF. */
  readonly stdinOnce: boolean;
  #stdinOpen: boolean;
  readonly #logListeners = new Set<LogListener>();
  readonly #terminationListeners = new Set<TerminationListener>();

  constructor(options: { faults: PodFaults; stdin: boolean; stdinOnce: boolean; stdinHighWaterMark: number }) {
    this.faults = options.faults;
    this.stdinOnce = options.stdinOnce;
    this.stdin = new PassThrough({ highWaterMark: options.stdinHighWaterMark });
    this.#stdinOpen = options.stdin;
    if (!options.stdin) this.stdin.end();
  }

  get terminated(): boolean {
    return this.result !== undefined;
  }

  get isStdinOpen(): boolean {
    return this.#stdinOpen;
  }

  log(line: string, stream: "stdout" | "stderr" = "stdout"): void {
    const text = line.endsWith("\n") ? line : `${line}\n`;
    const entry: LogEntry = { time: nanoTime(), stream, text };
    this.logEntries.push(entry);
    for (const listener of this.#logListeners) listener(entry);
  }

  onLog(listener: LogListener): () => void {
    this.#logListeners.add(listener);
    return () => this.#logListeners.delete(listener);
  }

  onTerminated(listener: TerminationListener): () => void {
    if (this.result) {
      listener(this.result);
      return () => {};
    }
    this.#terminationListeners.add(listener);
    return () => this.#terminationListeners.delete(listener);
  }

  /** Writes attach stdin; false when the executor's stdin is full (wait for {@link onStdinDrain}). */
  writeStdin(data: Buffer): boolean {
    if (!this.#stdinOpen || this.stdin.destroyed) return true;
    return this.stdin.write(data);
  }

  /** Calls back once the stdin buffer drains, or stdin closes. */
  onStdinDrain(callback: () => void): void {
    if (!this.#stdinOpen || this.stdin.destroyed) {
      callback();
      return;
    }
    const done = () => {
      this.stdin.off("drain", done);
      this.stdin.off("close", done);
      this.stdin.off("finish", done);
      callback();
    };
    this.stdin.on("drain", done);
    this.stdin.on("close", done);
    this.stdin.on("finish", done);
  }

  /** Closes the container's stdin (an attached client's EOF under `stdinOnce`). */
  endStdin(): void {
    if (!this.#stdinOpen) return;
    this.#stdinOpen = false;
    this.stdin.end();
  }

  /** Records the container's end and notifies log followers and attached clients. */
  terminate(result: ExecutorResult): void {
    if (this.result) return;
    this.result = result;
    this.#stdinOpen = false;
    if (!this.stdin.writableEnded) this.stdin.end();
    for (const listener of this.#terminationListeners) listener(result);
    this.#terminationListeners.clear();
    this.#logListeners.clear();
  }

  /** Kills the container: aborts the executor and discards its stdin. */
  kill(result: ExecutorResult = { exitCode: 137, reason: "Error" }): void {
    this.abortController.abort(new Error("container killed"));
    this.terminate(result);
  }
}
