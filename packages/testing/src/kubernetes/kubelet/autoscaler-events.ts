import type { AutoscalerEvent } from "../faults/kubernetes-double-faults.js";
import type { Pod } from "../kubernetes-types.js";
import type { EventSource, PodStatusWriter } from "./pod-status-writer.js";

/** What each autoscaler writes, when the scenario gives no message (cluster-autoscaler's and Karpenter's wording). */
const DEFAULT_MESSAGES: Record<AutoscalerEvent["reason"], string> = {
  TriggeredScaleUp: "pod triggered scale-up: [{default-pool 1->2 (max: 5)}]",
  NotTriggerScaleUp: "pod didn't trigger scale-up: 1 max node group size reached",
  Nominated: "Pod should schedule on: nodeclaim/default-x7k2p",
};

const SOURCES: Record<AutoscalerEvent["reason"], EventSource> = {
  TriggeredScaleUp: "cluster-autoscaler",
  NotTriggerScaleUp: "cluster-autoscaler",
  Nominated: "karpenter",
};

/**
 * Records the autoscaler's events on a pending pod, each `afterMs` from now, while `alive()` holds (a deleted pod
 * gets no more events).
 */
export function scheduleAutoscalerEvents(
  writer: PodStatusWriter,
  pod: Pod,
  events: readonly AutoscalerEvent[],
  alive: () => boolean,
): void {
  for (const event of events) {
    setTimeout(() => {
      if (!alive()) return;
      writer.event(pod, "Normal", event.reason, event.message ?? DEFAULT_MESSAGES[event.reason], SOURCES[event.reason]);
    }, event.afterMs).unref();
  }
}
