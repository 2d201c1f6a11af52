import { kubernetesTime } from "../kubernetes-time.js";
import type { Container, Pod } from "../kubernetes-types.js";
import { setContainerState } from "./container-state.js";
import { setContainersNotReady } from "./pod-conditions.js";
import type { PodRuntime } from "./pod-runtime.js";
import type { PodStatusWriter } from "./pod-status-writer.js";

const DEADLINE_MESSAGE = "Pod was active on the node longer than the specified deadline";

/**
 * Enforces `activeDeadlineSeconds` from the pod's start: when it runs out, the container is killed and the pod
 * fails with reason `DeadlineExceeded`. `isAlive` tells whether the pod still runs this runtime.
 */
export function armPodDeadline(
  writer: PodStatusWriter,
  pod: Pod,
  runtime: PodRuntime,
  startTime: Date,
  isAlive: () => boolean,
): void {
  const seconds = pod.spec.activeDeadlineSeconds;
  if (seconds === undefined || seconds === null) return;
  const wait = Math.max(0, startTime.getTime() + seconds * 1000 - Date.now());
  const timer = setTimeout(() => {
    if (!isAlive() || !writer.current(pod)) return;
    const wasRunning = runtime.started;
    const container = pod.spec.containers[0] as Container;
    if (wasRunning) writer.event(pod, "Normal", "Killing", `Stopping container ${container.name}`);
    runtime.kill({ exitCode: 137, reason: "Error" });
    writer.update(pod, (updated) => {
      updated.status.phase = "Failed";
      updated.status.reason = "DeadlineExceeded";
      updated.status.message = DEADLINE_MESSAGE;
      setContainersNotReady(updated, "PodFailed");
      const status = updated.status.containerStatuses?.[0];
      if (wasRunning && status) {
        setContainerState(
          updated,
          {
            terminated: {
              exitCode: 137,
              reason: "Error",
              startedAt: status.state.running?.startedAt as string,
              finishedAt: kubernetesTime(),
              ...(status.containerID ? { containerID: status.containerID } : {}),
            },
          },
          { ready: false, started: false },
        );
      }
    });
    writer.event(pod, "Warning", "DeadlineExceeded", DEADLINE_MESSAGE);
  }, wait);
  timer.unref();
  runtime.abortController.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  runtime.onTerminated(() => clearTimeout(timer));
}
