import { FlavorstackError } from "@flavorstack/core/plugin";
import type { V1Pod } from "@kubernetes/client-node";
import { apiErrorInfo, describeApiError } from "./api-error.js";
import { type KubeApi, namespacedPath } from "./kube-api.js";

export interface WatchPodOptions<T> {
  api: KubeApi;
  namespace: string;
  name: string;
  /** A decision ends the wait; undefined keeps watching. May throw to fail the wait. */
  decide: (pod: V1Pod) => T | undefined;
  /** Milliseconds before a {@link PodWaitTimeoutError} is thrown; no limit when absent. */
  timeoutMs?: number | undefined;
  /** Ends the wait with the signal's reason. */
  signal: AbortSignal;
}

/** The watch's server-side time limit, plus up to a minute of spread. */
const WATCH_TIMEOUT_SECONDS = 240;
/** Consecutive watch failures (network, 5xx) tolerated before giving up. */
const MAX_WATCH_FAILURES = 5;

/**
 * Waits for a pod to reach a state `decide` accepts, by watch (one GET, then
 * `watch` with `fieldSelector=metadata.name=<name>` from its resourceVersion).
 * When the server ends the watch (they do, after minutes) it re-watches from
 * the last resourceVersion seen; a 410 Gone re-reads the pod first.
 */
export function watchPod<T>(options: WatchPodOptions<T>): Promise<T> {
  const { api, namespace, name, decide, signal } = options;
  const path = namespacedPath(namespace, "pods");
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const controller = new AbortController();
    let resourceVersion: string | undefined;
    let lastPod: V1Pod | undefined;
    let failures = 0;
    let timer: NodeJS.Timeout | undefined;
    let retryTimer: NodeJS.Timeout | undefined;

    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (retryTimer) clearTimeout(retryTimer);
      signal.removeEventListener("abort", onAbort);
      controller.abort();
      outcome();
    };
    const fail = (error: unknown) => finish(() => reject(error));
    const onAbort = () => fail(signal.reason);
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const timeoutMs = options.timeoutMs;
      timer = setTimeout(() => fail(new PodWaitTimeoutError(namespace, name, timeoutMs, lastPod)), timeoutMs);
    }

    const consider = (pod: V1Pod) => {
      lastPod = pod;
      if (pod.metadata?.resourceVersion) resourceVersion = pod.metadata.resourceVersion;
      let decision: T | undefined;
      try {
        decision = decide(pod);
      } catch (error) {
        fail(error);
        return;
      }
      if (decision !== undefined) finish(() => resolve(decision));
    };

    const retryLater = (why: unknown, reread: boolean) => {
      failures += 1;
      if (failures > MAX_WATCH_FAILURES) {
        fail(
          new Error(`Watching pod ${namespace}/${name} failed ${failures} times in a row: ${describeApiError(why)}`),
        );
        return;
      }
      retryTimer = setTimeout(() => void (reread ? read() : watch()), Math.min(2000, 100 * 2 ** failures));
    };

    const read = async () => {
      if (settled) return;
      try {
        consider(
          await api.request<V1Pod>("GET", namespacedPath(namespace, "pods", name), { signal: controller.signal }),
        );
      } catch (error) {
        if (settled) return;
        const info = apiErrorInfo(error);
        if (info.code === 404) {
          fail(new PodGoneError(namespace, name));
          return;
        }
        if (info.code !== undefined && info.code < 500 && info.code !== 429) {
          fail(error);
          return;
        }
        retryLater(error, true);
        return;
      }
      if (!settled) void watch();
    };

    const watch = async () => {
      if (settled) return;
      const started = Date.now();
      let sawEvent = false;
      let gone = false;
      let serverError: unknown;
      const query: Record<string, string | number | boolean> = {
        fieldSelector: `metadata.name=${name}`,
        allowWatchBookmarks: true,
        // The server ends each watch after this (spread so many builders do not re-watch in step): a connection
        // that died silently is replaced rather than waited on until the pod's deadline.
        timeoutSeconds: WATCH_TIMEOUT_SECONDS + Math.floor(Math.random() * 60),
      };
      if (resourceVersion) query.resourceVersion = resourceVersion;
      const onEvent = (type: string, object: unknown) => {
        if (settled) return;
        sawEvent = true;
        if (type === "ERROR") {
          const status = object as { code?: number; message?: string };
          if (status?.code === 410) gone = true;
          else serverError = Object.assign(new Error(status?.message ?? "watch error"), { code: status?.code });
          return;
        }
        const pod = object as V1Pod;
        if (type === "BOOKMARK") {
          if (pod.metadata?.resourceVersion) resourceVersion = pod.metadata.resourceVersion;
          return;
        }
        failures = 0;
        // A deleted pod's last state may already be what we wait for (it ended, then was removed).
        consider(pod);
        if (type === "DELETED") fail(new PodGoneError(namespace, name));
      };
      let error: unknown;
      try {
        await api.watch(path, query, onEvent, controller.signal);
      } catch (caught) {
        error = caught;
      }
      if (settled) return;
      if (gone || apiErrorInfo(error).code === 410) {
        // Our resourceVersion is too old: read the pod again, then watch from its version.
        resourceVersion = undefined;
        retryLater(error ?? new Error("the watch's resourceVersion is gone (410)"), true);
        return;
      }
      error ??= serverError;
      if (error === undefined) {
        // The server ended the watch: watch again from where we were.
        if (sawEvent || Date.now() - started > 1000) {
          failures = 0;
          void watch();
        } else {
          retryLater(new Error("the server closed the watch at once"), false);
        }
        return;
      }
      const code = apiErrorInfo(error).code;
      if (code !== undefined && code < 500 && code !== 429) {
        fail(new WatchRefusedError(`Watching pod ${namespace}/${name} was refused: ${describeApiError(error)}`));
        return;
      }
      retryLater(error, true);
    };

    void read();
  });
}

/** The API server refused the watch itself (a 4xx other than 410 and 429: permissions, a bad request). */
export class WatchRefusedError extends FlavorstackError {}

/** The pod was deleted (by someone else) while we waited for it. */
export class PodGoneError extends FlavorstackError {
  constructor(namespace: string, name: string) {
    super(
      `The build pod ${namespace}/${name} was deleted while the build was running (by another client, or by the cluster).`,
    );
  }
}

/** The pod did not reach the state waited for within the time limit. */
export class PodWaitTimeoutError extends FlavorstackError {
  /** The pod as last seen, if it was seen at all. */
  readonly lastPod: V1Pod | undefined;

  constructor(namespace: string, name: string, timeoutMs: number, lastPod: V1Pod | undefined) {
    super(`Timed out after ${timeoutMs / 1000} s waiting for pod ${namespace}/${name}.`);
    this.lastPod = lastPod;
  }
}
