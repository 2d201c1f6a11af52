import type { IncomingMessage } from "node:http";
import https from "node:https";
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { FlavorstackError } from "@flavorstack/core/plugin";
import type { KubeConfigLike } from "./lean-kube-config.js";
import { http } from "./node-http.js";
import { untilAborted } from "./until-aborted.js";

/** Per-request time limit of plain (non-streaming) calls. */
const KUBE_REQUEST_TIMEOUT_MS = 30_000;
const ERROR_BODY_LIMIT = 64 * 1024;
const KEEP_ALIVE_PROBE_MS = 30_000;
/** Answers with `Retry-After` (429, 5xx) retried at most this many times, as client-go does (it allows 10). */
const MAX_RETRY_AFTER_RETRIES = 5;
/** A longer `Retry-After` is shortened to this; the caller's signal and time limit still apply. */
const MAX_RETRY_AFTER_MS = 10_000;

type KubeQuery = Record<string, string | number | boolean | undefined>;

interface KubeRequestOptions {
  query?: KubeQuery;
  /** Sent as JSON. */
  body?: unknown;
  /** Ends the request; for plain calls a {@link KUBE_REQUEST_TIMEOUT_MS} limit applies as well. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** `/api/v1/namespaces/<namespace>`, then the given segments, each URL-encoded. */
export function namespacedPath(namespace: string, ...segments: string[]): string {
  return ["/api/v1/namespaces", ...[namespace, ...segments].map(encodeURIComponent)].join("/");
}

/** The API server answered with a non-2xx status; `body` is its (usually `Status`) response text. */
export class KubeApiError extends FlavorstackError {
  readonly code: number;
  readonly body: string;
  /** The `Retry-After` header, in seconds, when there was one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(method: string, path: string, code: number, body: string, retryAfterSeconds?: number) {
    super(`${method} ${path.split("?")[0]} answered HTTP ${code}`);
    this.code = code;
    this.body = body;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** `Retry-After` in seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** How long to wait before retrying, when the server asked for it (429 or 5xx with `Retry-After`), as client-go does. */
function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof KubeApiError) || error.retryAfterSeconds === undefined) return undefined;
  if (error.code !== 429 && error.code < 500) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, error.retryAfterSeconds * 1000);
}

/**
 * The few Kubernetes REST calls the builder makes, over `node:http(s)` with
 * the kubeconfig's TLS, auth and agent. Heavier clients (client-node's
 * generated `CoreV1Api`) cost more memory than a whole streamed build.
 */
export interface KubeApi {
  /** A JSON call; resolves with the parsed response body. */
  request<T>(method: string, path: string, options?: KubeRequestOptions): Promise<T>;
  /**
   * A watch (`?watch=true`): calls `onEvent` per line until the server ends the
   * stream (resolves) or it fails (rejects). Abort with `signal` to stop.
   */
  watch(
    path: string,
    query: KubeQuery,
    onEvent: (type: string, object: unknown) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Streams a response body (a log) into `sink`; rejects before writing anything on a non-2xx answer. */
  stream(path: string, query: KubeQuery, sink: Writable, signal: AbortSignal): Promise<void>;
}

export interface KubeApiOptions {
  /** Called with each bearer token and PEM client key sent (exec plugins and token files yield them at request time), to redact it. */
  onCredential?: (secret: string) => void;
}

export function createKubeApi(config: KubeConfigLike, apiOptions: KubeApiOptions = {}): KubeApi {
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error(`the kubeconfig context '${config.getCurrentContext()}' has no cluster server`);
  const base = new URL(server.endsWith("/") ? server : `${server}/`);

  type OpenOptions = { query?: KubeQuery | undefined; body?: unknown; signal: AbortSignal; retried?: boolean };

  /** Sends a request; a 429 or 5xx with `Retry-After` is sent again after that wait (bounded, abortable). */
  const open = async (method: string, path: string, options: OpenOptions): Promise<IncomingMessage> => {
    for (let retries = 0; ; retries += 1) {
      try {
        return await openOnce(method, path, options);
      } catch (error) {
        const waitMs = retryAfterMs(error);
        if (waitMs === undefined || retries >= MAX_RETRY_AFTER_RETRIES) throw error;
        await sleep(waitMs, undefined, { signal: options.signal }).catch(() => {
          throw options.signal.reason;
        });
      }
    }
  };

  const openOnce = async (method: string, path: string, options: OpenOptions): Promise<IncomingMessage> => {
    const url = new URL(path.replace(/^\//, ""), base);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const requestOptions: https.RequestOptions = { method, headers: { Accept: "application/json" } };
    // Credentials may come from an exec plugin that never returns (one waiting for a login): the signal ends that too.
    await untilAborted(config.applyToHTTPSOptions(requestOptions, options.signal), options.signal);
    const authorization = (requestOptions.headers as Record<string, unknown> | undefined)?.Authorization;
    if (typeof authorization === "string") apiOptions.onCredential?.(authorization.replace(/^Bearer\s+/i, ""));
    // An exec plugin's client key arrives as PEM text at request time, like its token.
    if (typeof requestOptions.key === "string") apiOptions.onCredential?.(requestOptions.key);
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    if (payload) {
      requestOptions.headers = {
        ...requestOptions.headers,
        "Content-Type": "application/json",
        "Content-Length": payload.length,
      };
    }
    options.signal.throwIfAborted();
    const transport = url.protocol === "http:" ? http : https;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = transport.request(url, { ...requestOptions, signal: options.signal }, resolve);
      request.on("error", (error) => reject(options.signal.aborted ? options.signal.reason : error));
      // Notices a peer that vanished without closing (a dropped NAT entry, a failed-over control plane).
      request.on("socket", (socket) => socket.setKeepAlive(true, KEEP_ALIVE_PROBE_MS));
      request.end(payload);
    });
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return response;
    const body = await readText(response, ERROR_BODY_LIMIT);
    // As kubectl does, a refused credential from an exec plugin or token file is fetched again, once.
    if (status === 401 && !options.retried && config.invalidateCredentials?.()) {
      return openOnce(method, path, { ...options, retried: true });
    }
    throw new KubeApiError(method, url.pathname, status, body, parseRetryAfter(response.headers["retry-after"]));
  };

  return {
    async request<T>(method: string, path: string, options: KubeRequestOptions = {}): Promise<T> {
      const timeoutMs = options.timeoutMs ?? KUBE_REQUEST_TIMEOUT_MS;
      const limit = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, limit]) : limit;
      try {
        const response = await open(method, path, { query: options.query, body: options.body, signal });
        const text = await readText(response, Number.POSITIVE_INFINITY);
        return (text ? JSON.parse(text) : undefined) as T;
      } catch (error) {
        if (limit.aborted && !options.signal?.aborted) {
          throw new Error(
            `no answer to ${method} ${path} within ${timeoutMs / 1000} s (from the API server, or from the kubeconfig's credential plugin)`,
            { cause: error },
          );
        }
        throw error;
      }
    },

    async watch(path, query, onEvent, signal) {
      const response = await open("GET", path, { query: { ...query, watch: true }, signal });
      const lines = createInterface({ input: response, crlfDelay: Number.POSITIVE_INFINITY });
      try {
        for await (const line of lines) {
          if (!line.trim()) continue;
          const event = JSON.parse(line) as { type: string; object: unknown };
          onEvent(event.type, event.object);
        }
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      } finally {
        response.destroy();
      }
      // An aborted request also ends the stream: only a server-side end is a plain end.
      if (!response.complete && !signal.aborted) throw new Error(`the watch of ${path} broke off`);
    },

    async stream(path, query, sink, signal) {
      const response = await open("GET", path, { query, signal });
      await pipeline(response, sink, { signal }).catch((error: unknown) => {
        if (!signal.aborted) throw error;
      });
    },
  };
}

async function readText(response: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response) {
    if (length < limit) chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks).toString("utf8");
}
