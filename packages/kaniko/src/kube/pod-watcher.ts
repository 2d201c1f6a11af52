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
  /** Each watch's server-side time limit, before a spread of up to a quarter more (config `watchTimeoutSeconds`). */
  watchTimeoutSeconds: number;
}

/** How long past its time limit a silent watch is given: a quarter of the limit, within these bounds. */
const WATCHDOG_MARGIN_MS = { min: 1000, max: 30_000 };
/**
 * Consecutive watch failures (network, 5xx, ERROR events, silent watches) tolerated before giving up. A 410 Gone
 * and a watch the server ends at once are not failures: as client-go's reflector does, the wait backs off and goes
 * on, until its own time limit.
 */
const MAX_WATCH_FAILURES = 5;

/**
 * Waits for a pod to reach a state `decide` accepts, as client-go's reflector
 * does: a list with `fieldSelector=metadata.name=<name>`, then a watch from the
 * list's resourceVersion. Bookmarks (`allowWatchBookmarks`) keep that version
 * current. When the server ends the watch (they do, after `timeoutSeconds`) it
 * re-watches from the last resourceVersion seen; a 410 Gone (as an ERROR event
 * or as the answer) lists again first. A watch silent for longer than its time
 * limit plus a margin is a dead connection: it is abandoned and re-watched.
 */
export function watchPod<T>(options: WatchPodOptions<T>): Promise<T> {
  const { api, namespace, name, decide, signal } = options;
  const path = namespacedPath(namespace, "pods");
  const fieldSelector = `metadata.name=${name}`;
  const { watchTimeoutSeconds } = options;
  const watchdogMarginMs = Math.min(
    WATCHDOG_MARGIN_MS.max,
    Math.max(WATCHDOG_MARGIN_MS.min, (watchTimeoutSeconds * 1000) / 4),
  );
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const controller = new AbortController();
    let resourceVersion: string | undefined;
    let lastPod: V1Pod | undefined;
    let failures = 0;
    /** Consecutive 410s and watches ended at once: they only slow the next attempt down. */
    let setbacks = 0;
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

    const retryLater = (why: unknown, relist: boolean, failure = true) => {
      if (failure) failures += 1;
      else setbacks += 1;
      if (failures > MAX_WATCH_FAILURES) {
        fail(
          new Error(`Watching pod ${namespace}/${name} failed ${failures} times in a row: ${describeApiError(why)}`),
        );
        return;
      }
      retryTimer = setTimeout(() => void (relist ? list() : watch()), Math.min(2000, 100 * 2 ** (failures + setbacks)));
    };

    const list = async () => {
      if (settled) return;
      try {
        const found = await api.request<{ metadata?: { resourceVersion?: string }; items?: V1Pod[] }>("GET", path, {
          query: { fieldSelector },
          signal: controller.signal,
        });
        const pod = found.items?.[0];
        if (!pod) {
          fail(new PodGoneError(namespace, name));
          return;
        }
        consider(pod);
        // The list's version, not the pod's: a pod unchanged since a compaction has a version too old to watch from.
        if (found.metadata?.resourceVersion) resourceVersion = found.metadata.resourceVersion;
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
      // The server ends each watch after this (spread so many builders do not re-watch in step).
      const timeoutSeconds = watchTimeoutSeconds + Math.floor(Math.random() * (watchTimeoutSeconds / 4));
      const query: Record<string, string | number | boolean> = {
        fieldSelector,
        allowWatchBookmarks: true,
        timeoutSeconds,
      };
      if (resourceVersion) query.resourceVersion = resourceVersion;
      // A connection that died without closing (a dropped NAT entry) sends nothing and never ends: past the
      // server's own limit plus a margin, it is abandoned.
      const silence = new AbortController();
      const silentAfterMs = timeoutSeconds * 1000 + watchdogMarginMs;
      let watchdog = setTimeout(() => silence.abort(), silentAfterMs);
      const onEvent = (type: string, object: unknown) => {
        if (settled) return;
        sawEvent = true;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => silence.abort(), silentAfterMs);
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
        setbacks = 0;
        // A deleted pod's last state may already be what we wait for (it ended, then was removed).
        consider(pod);
        if (type === "DELETED") fail(new PodGoneError(namespace, name));
      };
      let error: unknown;
      try {
        await api.watch(path, query, onEvent, AbortSignal.any([controller.signal, silence.signal]));
      } catch (caught) {
        error = caught;
      } finally {
        clearTimeout(watchdog);
      }
      if (settled) return;
      if (silence.signal.aborted) {
        retryLater(new Error(`the watch sent nothing for ${silentAfterMs / 1000} s`), false);
        return;
      }
      if (gone || apiErrorInfo(error).code === 410) {
        // Our resourceVersion is too old (compacted away): list again, then watch from the list's version.
        resourceVersion = undefined;
        retryLater(error ?? new Error("the watch's resourceVersion is gone (410)"), true, false);
        return;
      }
      error ??= serverError;
      if (error === undefined) {
        // The server ended the watch: watch again from where we were.
        if (sawEvent || Date.now() - started > 1000) {
          failures = 0;
          setbacks = 0;
          void watch();
        } else {
          retryLater(new Error("the server closed the watch at once"), false, false);
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

    void list();
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
