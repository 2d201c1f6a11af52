import { kubernetesTime } from "../kubernetes-time.js";
import type { Container, Pod } from "../kubernetes-types.js";
import { setContainerState } from "./container-state.js";
import type { ExecutorResult } from "./executor.js";
import { setContainersNotReady } from "./pod-conditions.js";
import type { PodRuntime } from "./pod-runtime.js";
import type { PodStatusWriter } from "./pod-status-writer.js";

/** The kubelet keeps at most this many bytes of a termination message. */
const TERMINATION_MESSAGE_LIMIT_BYTES = 4096;
/** `FallbackToLogsOnError` takes at most this many lines and bytes from the end of the log. */
const FALLBACK_LOG_LINES = 80;
const FALLBACK_LOG_BYTES = 2048;

function truncateUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= limit) return text;
  return bytes.subarray(0, limit).toString("utf8");
}

/** The termination message the kubelet records: the executor's, or the log tail under `FallbackToLogsOnError`. */
function terminationMessage(container: Container, runtime: PodRuntime, result: ExecutorResult): string {
  const message = truncateUtf8(result.terminationMessage ?? "", TERMINATION_MESSAGE_LIMIT_BYTES);
  if (message || result.exitCode === 0 || container.terminationMessagePolicy !== "FallbackToLogsOnError")
    return message;
  const tail = runtime.logEntries
    .slice(-FALLBACK_LOG_LINES)
    .map((entry) => entry.text)
    .join("");
  return truncateUtf8(tail.slice(-FALLBACK_LOG_BYTES), FALLBACK_LOG_BYTES);
}

/**
 * Records the container's exit: the pod ends Succeeded / Failed, or, when its `restartPolicy` restarts the
 * container, the result goes to `lastState` and the container waits in `CrashLoopBackOff`.
 */
export function recordContainerExit(
  writer: PodStatusWriter,
  pod: Pod,
  runtime: PodRuntime,
  result: ExecutorResult,
  run: { startedAt: string; containerID: string },
): void {
  const container = pod.spec.containers[0] as Container;
  const message = terminationMessage(container, runtime, result);
  const terminated = {
    exitCode: result.exitCode,
    reason: result.reason ?? (result.exitCode === 0 ? "Completed" : "Error"),
    ...(message ? { message } : {}),
    startedAt: run.startedAt,
    finishedAt: kubernetesTime(),
    containerID: run.containerID,
  };
  const policy = pod.spec.restartPolicy ?? "Always";
  const restarts = policy === "Always" || (policy === "OnFailure" && result.exitCode !== 0);
  runtime.terminate({ ...result, ...(message ? { terminationMessage: message } : {}) });
  const podKey = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  writer.update(pod, (current) => {
    if (restarts) {
      const backOff = `back-off 10s restarting failed container=${container.name} pod=${podKey}`;
      setContainerState(
        current,
        { waiting: { reason: "CrashLoopBackOff", message: backOff } },
        { lastState: { terminated }, restartCount: 1, containerID: run.containerID },
      );
      setContainersNotReady(current, "ContainersNotReady", `containers with unready status: [${container.name}]`);
      return;
    }
    current.status.phase = result.exitCode === 0 ? "Succeeded" : "Failed";
    setContainersNotReady(current, result.exitCode === 0 ? "PodCompleted" : "PodFailed");
    setContainerState(current, { terminated }, { containerID: run.containerID });
  });
  if (restarts) {
    writer.event(pod, "Warning", "BackOff", `Back-off restarting failed container ${container.name} in pod ${podKey}`);
  }
}
