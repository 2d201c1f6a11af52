import { randomBytes } from "node:crypto";
import { kubernetesTime, newUid } from "../kubernetes-time.js";
import type { KubernetesEvent, Pod } from "../kubernetes-types.js";
import type { ClusterStore } from "../store/cluster-store.js";
import { NODE_NAME } from "./simulated-node.js";

/** Kubelet events about the pod as a whole (the others name its container in `fieldPath`). */
const POD_SCOPED_REASONS = new Set(["DeadlineExceeded", "FailedMount", "InvalidEnvironmentVariableNames"]);

/** Which component reports an event. */
export type EventSource = "kubelet" | "default-scheduler" | "cluster-autoscaler" | "karpenter";

/** Writes what the scheduler and kubelet observe about pods to the store: status updates and events. */
export class PodStatusWriter {
  readonly #store: ClusterStore;

  constructor(store: ClusterStore) {
    this.#store = store;
  }

  /** The pod as stored now (undefined once it is deleted). */
  current(pod: Pod): Pod | undefined {
    return this.#store.get<Pod>("pods", pod.metadata.namespace as string, pod.metadata.name as string);
  }

  /** Applies `mutate` to the stored pod; undefined when the pod is gone. */
  update(pod: Pod, mutate: (pod: Pod) => void): Pod | undefined {
    return this.#store.update<Pod>("pods", pod.metadata.namespace as string, pod.metadata.name as string, mutate);
  }

  /** Records an event about a pod, or bumps the count of the same event (same reason and message). */
  event(
    pod: Pod,
    type: KubernetesEvent["type"],
    reason: string,
    message: string,
    source: EventSource = "kubelet",
  ): void {
    const namespace = pod.metadata.namespace as string;
    const podName = pod.metadata.name as string;
    const container = pod.spec.containers[0]?.name;
    const existing = this.#store
      .list<KubernetesEvent>("events", { namespace, labels: [], fields: [] })
      .find(
        (event) =>
          event.involvedObject.uid === pod.metadata.uid && event.reason === reason && event.message === message,
      );
    const now = kubernetesTime();
    if (existing) {
      this.#store.update<KubernetesEvent>("events", namespace, existing.metadata.name as string, (event) => {
        event.count += 1;
        event.lastTimestamp = now;
      });
      return;
    }
    const containerScoped = source === "kubelet" && !POD_SCOPED_REASONS.has(reason);
    this.#store.create<KubernetesEvent>("events", {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${podName}.${randomBytes(8).toString("hex")}`, namespace, uid: newUid() },
      involvedObject: {
        apiVersion: "v1",
        kind: "Pod",
        name: podName,
        namespace,
        uid: pod.metadata.uid as string,
        resourceVersion: pod.metadata.resourceVersion as string,
        ...(containerScoped && container ? { fieldPath: `spec.containers{${container}}` } : {}),
      },
      reason,
      message,
      type,
      source: source === "kubelet" ? { component: source, host: NODE_NAME } : { component: source },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      eventTime: null,
      reportingComponent: source,
      reportingInstance: source === "kubelet" ? NODE_NAME : "",
    });
  }
}
