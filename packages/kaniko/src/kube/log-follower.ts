import { Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { apiErrorInfo } from "./api-error.js";
import { type KubeApi, namespacedPath } from "./kube-api.js";

export interface LogFollowerOptions {
  api: KubeApi;
  namespace: string;
  podName: string;
  container: string;
  /** Each complete line, secrets redacted. */
  onLine?: ((line: string) => void) | undefined;
  redact: (text: string) => string;
  /** Lines kept for error messages. */
  tailLines?: number;
  /** Milliseconds between attempts while the container has not started. */
  retryMs?: number;
}

const MAX_LINE = 64 * 1024;
/** Log lines kept for error messages, by default. */
export const LOG_TAIL_LINES = 20;
const MAX_RETRY_MS = 5000;

/**
 * Follows a container's log with the Logs API: retries while the API answers
 * 400 (container not started yet), then streams lines to `onLine` and keeps
 * the last few for error messages. `finish()` waits for the log to end (it
 * does when the container exits) and fetches the whole log once if nothing
 * came while following.
 */
export class LogFollower {
  readonly #options: LogFollowerOptions;
  readonly #tailSize: number;
  readonly #lines: string[] = [];
  #received = 0;
  #stopped = false;
  #controller: AbortController | undefined;
  #ended: Promise<void> = Promise.resolve();
  #endFollow: () => void = () => {};
  #retryTimer: NodeJS.Timeout | undefined;
  #wake: () => void = () => {};

  constructor(options: LogFollowerOptions) {
    this.#options = options;
    this.#tailSize = options.tailLines ?? LOG_TAIL_LINES;
  }

  /** Starts following in the background; never throws. */
  start(): void {
    this.#ended = new Promise<void>((resolve) => {
      this.#endFollow = resolve;
    });
    void this.#follow();
  }

  /** The last lines seen (secrets redacted). */
  tail(): string[] {
    return [...this.#lines];
  }

  /** Waits up to `timeoutMs` for the followed log to end, then makes sure something was read. */
  async finish(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.stop();
    if (this.#received === 0) await this.#fetchOnce();
  }

  /** Stops following (abort); idempotent. */
  stop(): void {
    this.#stopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#wake();
    this.#controller?.abort();
    this.#endFollow();
  }

  async #follow(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      this.#controller = new AbortController();
      try {
        // A stream that broke is followed again from the start: skip the lines already seen.
        await this.#read({ follow: true }, this.#controller.signal, this.#received);
        this.#endFollow();
        return;
      } catch (error) {
        if (this.#stopped) return;
        const code = apiErrorInfo(error).code;
        // 400: the container has not started yet; 429, 5xx and network errors pass. Anything else
        // (403 without pods/log, 404 pod gone) will not: the build goes on without its log.
        const transient = code === undefined || code === 400 || code === 429 || code >= 500;
        if (!transient) {
          this.#endFollow();
          return;
        }
        failures = code === 400 ? 0 : failures + 1;
        const delay = Math.min(MAX_RETRY_MS, (this.#options.retryMs ?? 500) * 2 ** failures);
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          this.#retryTimer = setTimeout(resolve, delay);
        });
      }
    }
  }

  async #fetchOnce(): Promise<void> {
    try {
      await this.#read({ follow: false }, AbortSignal.timeout(5000));
    } catch {
      // best effort: the log tail only decorates messages
    }
  }

  #read(query: { follow: boolean }, signal: AbortSignal, skipLines = 0): Promise<void> {
    const { api, namespace, podName, container } = this.#options;
    return api.stream(
      namespacedPath(namespace, "pods", podName, "log"),
      { container, ...query },
      this.#lineSink(skipLines),
      signal,
    );
  }

  #lineSink(skipLines: number): Writable {
    const decoder = new StringDecoder("utf8");
    let partial = "";
    let skip = skipLines;
    const emit = (line: string) => {
      if (skip > 0) skip -= 1;
      else this.#emit(line.endsWith("\r") ? line.slice(0, -1) : line);
    };
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        partial += decoder.write(chunk);
        const parts = partial.split("\n");
        partial = parts.pop() ?? "";
        for (const line of parts) emit(line);
        if (partial.length > MAX_LINE) {
          emit(partial);
          partial = "";
        }
        callback();
      },
      final: (callback) => {
        partial += decoder.end();
        if (partial) emit(partial);
        partial = "";
        callback();
      },
    });
  }

  #emit(raw: string): void {
    const line = this.#options.redact(raw);
    this.#received += 1;
    this.#lines.push(line);
    if (this.#lines.length > this.#tailSize) this.#lines.shift();
    try {
      this.#options.onLine?.(line);
    } catch {
      // a throwing callback must not break the build
    }
  }
}
