import { kubernetesTime } from "../kubernetes-time.js";
import type { Pod, PodCondition } from "../kubernetes-types.js";

/** A pod condition stamped now. */
export function podCondition(
  type: string,
  status: PodCondition["status"],
  reason?: string,
  message?: string,
): PodCondition {
  return {
    type,
    status,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    lastProbeTime: null,
    lastTransitionTime: kubernetesTime(),
  };
}

/** Sets a condition on the pod, keeping its `lastTransitionTime` when its status did not change. */
export function setPodCondition(pod: Pod, next: PodCondition): void {
  const conditions = pod.status.conditions ?? [];
  const index = conditions.findIndex((existing) => existing.type === next.type);
  if (index >= 0) {
    const existing = conditions[index] as PodCondition;
    if (existing.status === next.status) next.lastTransitionTime = existing.lastTransitionTime;
    conditions[index] = next;
  } else conditions.push(next);
  pod.status.conditions = conditions;
}

/** Marks the pod's containers not ready (`Ready` and `ContainersReady` False) with `reason`. */
export function setContainersNotReady(pod: Pod, reason: string, message?: string): void {
  setPodCondition(pod, podCondition("Ready", "False", reason, message));
  setPodCondition(pod, podCondition("ContainersReady", "False", reason, message));
}
