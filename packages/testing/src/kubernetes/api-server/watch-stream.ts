import type { IncomingMessage, ServerResponse } from "node:http";
import { kubernetesStatus, StatusError } from "../kubernetes-status.js";
import type { KubernetesStatus, WatchEvent } from "../kubernetes-types.js";
import type { ClusterStore, ObjectFilter, StoredResource } from "../store/cluster-store.js";
import { queryFlag } from "./request-filter.js";

const KINDS: Record<StoredResource, string> = {
  pods: "Pod",
  events: "Event",
  secrets: "Secret",
  serviceaccounts: "ServiceAccount",
};

/** How watches behave; see `KubernetesDoubleOptions.watch`. */
export interface WatchStreamOptions {
  bookmarkIntervalMs: number;
  expiredAs: "event" | "status";
  /** The server accepts the watch, then sends nothing and never ends it (a peer that vanished). */
  silent: boolean;
}

/** The 410 `Expired` Status for a watch from a compacted resourceVersion, worded as the API server words it. */
function expiredStatus(resourceVersion: string, store: ClusterStore): KubernetesStatus {
  return kubernetesStatus(410, `too old resource version: ${resourceVersion} (${store.compactedRevision})`, {
    reason: "Expired",
  });
}

/**
 * Serves a watch: newline-delimited JSON events from `resourceVersion` on (or ADDED for the current objects
 * first), until `timeoutSeconds` runs out or either side ends it. A resourceVersion older than the last compaction
 * gets 410 `Expired`: an ERROR event (as from the watch cache) or an HTTP 410 answer. With `allowWatchBookmarks`,
 * BOOKMARK events carry the current resourceVersion every `bookmarkIntervalMs`.
 */
export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: ClusterStore,
  resource: StoredResource,
  filter: ObjectFilter,
  options: WatchStreamOptions,
): void {
  const resourceVersion = url.searchParams.get("resourceVersion") ?? undefined;
  const expired = store.isExpired(resourceVersion);
  if (expired && options.expiredAs === "status") throw new StatusError(expiredStatus(resourceVersion as string, store));
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Transfer-Encoding": "chunked",
    "Cache-Control": "no-cache",
  });
  res.flushHeaders();
  const send = (event: WatchEvent<unknown>) => {
    if (!res.writableEnded) res.write(`${JSON.stringify(event)}\n`);
  };
  if (expired) {
    send({ type: "ERROR", object: expiredStatus(resourceVersion as string, store) });
    res.end();
    return;
  }
  if (options.silent) return;
  const unsubscribe = store.watch(resource, filter, resourceVersion, send);
  const timeoutSeconds = Number(url.searchParams.get("timeoutSeconds") ?? "0");
  const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
  const bookmarks =
    queryFlag(url, "allowWatchBookmarks") && options.bookmarkIntervalMs > 0
      ? setInterval(
          () =>
            send({
              type: "BOOKMARK",
              object: {
                kind: KINDS[resource],
                apiVersion: "v1",
                metadata: { resourceVersion: store.currentResourceVersion },
              },
            }),
          options.bookmarkIntervalMs,
        )
      : undefined;
  const cleanup = () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (bookmarks) clearInterval(bookmarks);
  };
  res.on("close", cleanup);
  res.on("finish", cleanup);
  req.on("close", cleanup);
}
