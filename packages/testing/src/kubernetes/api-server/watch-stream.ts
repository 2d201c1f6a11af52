import type { IncomingMessage, ServerResponse } from "node:http";
import type { WatchEvent } from "../kubernetes-types.js";
import type { ClusterStore, ObjectFilter, StoredResource } from "../store/cluster-store.js";

/**
 * Serves a watch: newline-delimited JSON events from `resourceVersion` on (or ADDED for the current objects
 * first), until `timeoutSeconds` runs out or either side ends it.
 */
export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: ClusterStore,
  resource: StoredResource,
  filter: ObjectFilter,
): void {
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Transfer-Encoding": "chunked",
    "Cache-Control": "no-cache",
  });
  res.flushHeaders();
  const send = (event: WatchEvent<unknown>) => {
    if (!res.writableEnded) res.write(`${JSON.stringify(event)}\n`);
  };
  const unsubscribe = store.watch(resource, filter, url.searchParams.get("resourceVersion") ?? undefined, send);
  const timeoutSeconds = Number(url.searchParams.get("timeoutSeconds") ?? "0");
  const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
  const cleanup = () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
  res.on("close", cleanup);
  res.on("finish", cleanup);
  req.on("close", cleanup);
}
