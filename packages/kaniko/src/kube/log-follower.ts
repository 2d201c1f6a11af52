import { Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { V1Pod } from "@kubernetes/client-node";
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

/** `2026-01-02T03:04:05.123456789Z <line>`, as `timestamps=true` prefixes each line (RFC 3339, up to 9 decimals). */
const TIMESTAMPED_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) (.*)$/s;

/** A log timestamp as a key that sorts as time does (nanoseconds kept), and the line after it. */
export function splitTimestamp(line: string): { time: string; key: string; text: string } | undefined {
  const match = TIMESTAMPED_LINE.exec(line);
  if (!match) return undefined;
  const [, seconds, fraction = "", zone, text = ""] = match;
  const epochSeconds = Date.parse(`${seconds}${zone}`) / 1000;
  if (Number.isNaN(epochSeconds)) return undefined;
  const time = line.slice(0, line.length - text.length - 1);
  return { time, key: `${String(epochSeconds).padStart(12, "0")}.${fraction.padEnd(9, "0")}`, text };
}

/**
 * Follows a container's log with the Logs API: retries while the API answers
 * 400 (container not started yet), then streams lines to `onLine` and keeps
 * the last few for error messages. Lines come with timestamps: a stream that
 * broke, or ended while the container still runs, is followed again from the
 * last line's time (`sinceTime`), and the lines of the overlap are dropped by
 * their timestamps, as counting lines is wrong once the kubelet has rotated
 * the log file. `finish()` waits for the log to end (it does when the
 * container exits) and fetches the whole log once if nothing came while
 * following.
 */
export class LogFollower {
  readonly #options: LogFollowerOptions;
  readonly #tailSize: number;
  readonly #lines: string[] = [];
  #received = 0;
  /** The timestamp of the last line emitted, as given and as a sort key, and how many lines had it. */
  #last: { time: string; key: string; count: number } | undefined;
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
      const receivedBefore = this.#received;
      try {
        await this.#read({ follow: true }, this.#controller.signal);
        if (this.#stopped) return;
        // A log ends when its container exits; one that ends while the container runs (or has yet to start) was
        // cut (an API server or kubelet restart, a proxy's limit): follow it again, as after a broken stream.
        if (await this.#containerEnded()) {
          this.#endFollow();
          return;
        }
        // Lines came, then the end: resume at once (the lines logged meanwhile may be rotated away while we wait).
        if (this.#received > receivedBefore) {
          failures = 0;
          continue;
        }
        failures += 1;
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
      }
      const delay = Math.min(MAX_RETRY_MS, (this.#options.retryMs ?? 500) * 2 ** failures);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#retryTimer = setTimeout(resolve, delay);
      });
    }
  }

  /** Whether the followed container has terminated or its pod is gone; when the pod cannot be read, it has not. */
  async #containerEnded(): Promise<boolean> {
    const { api, namespace, podName, container } = this.#options;
    try {
      const pod = await api.request<V1Pod>("GET", namespacedPath(namespace, "pods", podName), {
        signal: (this.#controller as AbortController).signal,
      });
      const status = pod.status?.containerStatuses?.find((candidate) => candidate.name === container);
      return status?.state?.terminated !== undefined;
    } catch (error) {
      return apiErrorInfo(error).code === 404;
    }
  }

  async #fetchOnce(): Promise<void> {
    try {
      await this.#read({ follow: false }, AbortSignal.timeout(5000));
    } catch {
      // best effort: the log tail only decorates messages
    }
  }

  #read(query: { follow: boolean }, signal: AbortSignal): Promise<void> {
    const { api, namespace, podName, container } = this.#options;
    // The API server passes sinceTime to the kubelet in whole seconds: the overlap is dropped by #lineSink.
    const since = this.#last ? { sinceTime: this.#last.time } : {};
    return api.stream(
      namespacedPath(namespace, "pods", podName, "log"),
      { container, timestamps: true, ...since, ...query },
      this.#lineSink(),
      signal,
    );
  }

  #lineSink(): Writable {
    const decoder = new StringDecoder("utf8");
    let partial = "";
    // Lines at the last emitted line's time that were emitted already: the first that many of this read are repeats.
    let repeatsAtLast = this.#last?.count ?? 0;
    const take = (raw: string) => {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      const stamped = splitTimestamp(line);
      // A piece of an over-long line, split here, has no timestamp of its own.
      if (!stamped) {
        this.#emit(line);
        return;
      }
      const last = this.#last;
      if (last && stamped.key < last.key) return;
      if (last && stamped.key === last.key) {
        if (repeatsAtLast > 0) {
          repeatsAtLast -= 1;
          return;
        }
        last.count += 1;
      } else {
        this.#last = { time: stamped.time, key: stamped.key, count: 1 };
        repeatsAtLast = 0;
      }
      this.#emit(stamped.text);
    };
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        partial += decoder.write(chunk);
        const parts = partial.split("\n");
        partial = parts.pop() ?? "";
        for (const line of parts) take(line);
        if (partial.length > MAX_LINE) {
          take(partial);
          partial = "";
        }
        callback();
      },
      final: (callback) => {
        partial += decoder.end();
        if (partial) take(partial);
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
