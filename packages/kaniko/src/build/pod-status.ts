import type { V1Pod } from "@kubernetes/client-node";

/** Waiting reasons after which the container will not start without a change by the user. */
const FATAL_WAITING_REASONS: readonly string[] = [
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CreateContainerConfigError",
  "CreateContainerError",
];

/** Where a build pod is, as far as the build is concerned. */
export type PodProgress =
  | { kind: "pending"; summary: string }
  | { kind: "running" }
  | {
      kind: "terminated";
      /** The container's exit code; undefined when the pod ended without the container running. */
      exitCode: number | undefined;
      /** OOMKilled, Error, Completed, DeadlineExceeded, Evicted, ... (the pod's reason wins when it has one). */
      reason: string | undefined;
      /** The termination message (kaniko's digest file, or the log's end on failure) or the pod's status message. */
      message: string | undefined;
      /** The pod's own status message when the pod-level reason was taken (e.g. the deadline or eviction text). */
      podMessage?: string | undefined;
      phase: string | undefined;
    }
  | { kind: "cannot-start"; reason: string; message: string }
  | {
      /** No node fits now: an autoscaler may add one (see scale-up-wait.ts). */
      kind: "unschedulable";
      /** The scheduler's message (`0/3 nodes are available: ...`). */
      message: string;
      /** Set when the scheduler nominated a node for the pod (preemption under way). */
      nominatedNodeName?: string | undefined;
    };

/** Reads a pod's status: pending, unschedulable, running, terminated (with exit code), or unable to start. */
export function podProgress(pod: V1Pod, containerName: string): PodProgress {
  const status = pod.status;
  const phase = status?.phase;
  const container = status?.containerStatuses?.find((candidate) => candidate.name === containerName);
  const terminated = container?.state?.terminated;
  if (terminated) {
    // A deadline or an eviction kills the container (exit 137, reason "Error"): the pod says why.
    const podReason = phase === "Failed" ? (status?.reason ?? undefined) : undefined;
    return {
      kind: "terminated",
      exitCode: terminated.exitCode,
      reason: podReason ?? terminated.reason ?? undefined,
      message: terminated.message ?? undefined,
      podMessage: podReason ? (status?.message ?? undefined) : undefined,
      phase,
    };
  }
  if (phase === "Succeeded" || phase === "Failed") {
    // e.g. activeDeadlineSeconds hit before the container ran, or an eviction.
    return {
      kind: "terminated",
      exitCode: undefined,
      reason: status?.reason ?? undefined,
      message: status?.message ?? undefined,
      phase,
    };
  }
  const waiting = container?.state?.waiting;
  if (waiting?.reason && FATAL_WAITING_REASONS.includes(waiting.reason)) {
    return { kind: "cannot-start", reason: waiting.reason, message: waiting.message ?? "" };
  }
  const scheduled = status?.conditions?.find((condition) => condition.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    return {
      kind: "unschedulable",
      message: scheduled.message ?? "",
      nominatedNodeName: status?.nominatedNodeName ?? undefined,
    };
  }
  if (container?.state?.running || (phase === "Running" && container === undefined)) return { kind: "running" };
  return { kind: "pending", summary: pendingSummary(pod, containerName) };
}

function pendingSummary(pod: V1Pod, containerName: string): string {
  const status = pod.status;
  const waiting = status?.containerStatuses?.find((candidate) => candidate.name === containerName)?.state?.waiting;
  const parts = [`phase ${status?.phase ?? "unknown"}`];
  if (waiting?.reason)
    parts.push(`container waiting: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ""}`);
  const scheduled = status?.conditions?.find((condition) => condition.type === "PodScheduled");
  if (scheduled?.status === "False") {
    parts.push(`not scheduled: ${scheduled.reason ?? "unknown"}${scheduled.message ? ` (${scheduled.message})` : ""}`);
  }
  return parts.join(", ");
}
