import type { CoreV1Event, CoreV1EventList } from "@kubernetes/client-node";
import { type KubeApi, namespacedPath } from "../kube/kube-api.js";

const EVENTS_TIMEOUT_MS = 5000;

/** The pod's events, oldest first; rejects when they cannot be read. */
export async function listPodEvents(
  api: KubeApi,
  namespace: string,
  name: string,
  signal?: AbortSignal,
): Promise<CoreV1Event[]> {
  const list = await api.request<CoreV1EventList>("GET", namespacedPath(namespace, "events"), {
    query: { fieldSelector: `involvedObject.name=${name}` },
    timeoutMs: EVENTS_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
  });
  return [...list.items].sort((a, b) => eventTime(a) - eventTime(b));
}

/** The pod's events, oldest first, as `Warning Reason: message (xN)`; empty when they cannot be read. */
export async function podEvents(
  api: KubeApi,
  namespace: string,
  name: string,
  redact: (text: string) => string,
): Promise<string[]> {
  try {
    return (await listPodEvents(api, namespace, name)).map((event) =>
      redact(
        `${event.type ?? "Normal"} ${event.reason ?? ""}: ${event.message ?? ""}${event.count && event.count > 1 ? ` (x${event.count})` : ""}`,
      ),
    );
  } catch {
    return [];
  }
}

function eventTime(event: CoreV1Event): number {
  const when = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return when ? new Date(when).getTime() : 0;
}
