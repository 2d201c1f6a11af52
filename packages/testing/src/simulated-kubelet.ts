import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { ClusterStore } from "./cluster-store.js";
import type { PodFaults } from "./fault-plan.js";
import type { Executor, ExecutorContainer, ExecutorResult, KubeletTimings } from "./kubernetes-double-options.js";
import { kubernetesTime, newUid } from "./kubernetes-time.js";
import type {
  Container,
  ContainerState,
  ContainerStatus,
  KubernetesEvent,
  Pod,
  PodCondition,
} from "./kubernetes-types.js";
import { PodRuntime } from "./pod-runtime.js";

/** The node every scheduled pod lands on. */
export const nodeName = "flavorstack-double-node";
const hostIP = "10.89.0.2";
const terminationMessageLimit = 4096;

export interface SimulatedKubeletOptions {
  store: ClusterStore;
  executor: Executor;
  timings: Required<KubeletTimings>;
  buildahRoot: string;
  stdinHighWaterMark: number;
}

function condition(type: string, status: PodCondition["status"], reason?: string, message?: string): PodCondition {
  return {
    type,
    status,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    lastProbeTime: null,
    lastTransitionTime: kubernetesTime(),
  };
}

function setCondition(pod: Pod, next: PodCondition): void {
  const conditions = pod.status.conditions ?? [];
  const index = conditions.findIndex((existing) => existing.type === next.type);
  if (index >= 0) {
    const existing = conditions[index] as PodCondition;
    if (existing.status === next.status) next.lastTransitionTime = existing.lastTransitionTime;
    conditions[index] = next;
  } else conditions.push(next);
  pod.status.conditions = conditions;
}

function truncateUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= limit) return text;
  return bytes.subarray(0, limit).toString("utf8");
}

function imageID(image: string): string {
  const repository = image.split("@")[0]?.replace(/:[^/:]+$/, "") ?? image;
  return `${repository}@sha256:${Buffer.from(repository).toString("hex").padEnd(64, "0").slice(0, 64)}`;
}

/** Resolves a container's env to plain values (valueFrom entries are left out). */
export function executorContainer(container: Container): ExecutorContainer {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (typeof variable.value === "string") env[variable.name] = variable.value;
    else if (variable.valueFrom === undefined) env[variable.name] = "";
  }
  return {
    name: container.name,
    image: container.image ?? "",
    command: container.command ?? [],
    args: container.args ?? [],
    env,
    stdin: container.stdin === true,
    stdinOnce: container.stdinOnce === true,
    terminationMessagePath: container.terminationMessagePath ?? "/dev/termination-log",
  };
}

/** Moves pods through their phases, runs their executor and records events, like a scheduler plus kubelet. */
export class SimulatedKubelet {
  private readonly runtimes = new Map<string, PodRuntime>();

  constructor(private readonly options: SimulatedKubeletOptions) {}

  runtime(namespace: string, name: string): PodRuntime | undefined {
    return this.runtimes.get(`${namespace}/${name}`);
  }

  /** Takes a freshly created pod and runs its lifecycle in the background. */
  admit(pod: Pod, faults: PodFaults): void {
    const container = pod.spec.containers[0] as Container;
    const runtime = new PodRuntime(
      faults,
      container.stdinOnce === true,
      container.stdin === true,
      this.options.stdinHighWaterMark,
    );
    this.runtimes.set(`${pod.metadata.namespace}/${pod.metadata.name}`, runtime);
    this.lifecycle(pod, runtime).catch((error: unknown) => {
      runtime.log(`simulated kubelet error: ${String(error)}`, "stderr");
    });
  }

  /**
   * Deletes a pod: immediately when it is not running or the grace period is 0, else marks it terminating,
   * stops its container and removes it once the executor has stopped (or the grace period ran out).
   */
  delete(namespace: string, name: string, gracePeriodSeconds: number | undefined): Pod | undefined {
    const { store } = this.options;
    const pod = store.get<Pod>("pods", namespace, name);
    if (!pod) return undefined;
    const runtime = this.runtime(namespace, name);
    const grace = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    const running = runtime?.started === true && !runtime.terminated;
    if (!running || grace <= 0) {
      if (running) this.event(pod, "Normal", "Killing", `Stopping container ${pod.spec.containers[0]?.name}`);
      this.forget(namespace, name)?.kill();
      return store.remove<Pod>("pods", namespace, name);
    }
    if (pod.metadata.deletionTimestamp) return pod;
    const marked = store.update<Pod>("pods", namespace, name, (current) => {
      current.metadata.deletionTimestamp = kubernetesTime(new Date(Date.now() + grace * 1000));
      current.metadata.deletionGracePeriodSeconds = grace;
    });
    this.event(pod, "Normal", "Killing", `Stopping container ${pod.spec.containers[0]?.name}`);
    runtime.kill({ exitCode: 137, reason: "Error" });
    const executorStopped = runtime.executorDone;
    const graceOver = delay(grace * 1000, undefined, { ref: false });
    void Promise.race([executorStopped, graceOver]).then(() => {
      this.forget(namespace, name);
      store.remove("pods", namespace, name);
    });
    return marked;
  }

  /** Kills every container (the double is stopping). */
  async stop(): Promise<void> {
    const done: Promise<void>[] = [];
    for (const runtime of this.runtimes.values()) {
      runtime.kill();
      done.push(runtime.executorDone);
    }
    this.runtimes.clear();
    await Promise.race([Promise.all(done), delay(10_000, undefined, { ref: false })]);
  }

  private forget(namespace: string, name: string): PodRuntime | undefined {
    const key = `${namespace}/${name}`;
    const runtime = this.runtimes.get(key);
    this.runtimes.delete(key);
    return runtime;
  }

  private alive(pod: Pod, runtime: PodRuntime): boolean {
    return (
      this.runtime(pod.metadata.namespace as string, pod.metadata.name as string) === runtime && !runtime.terminated
    );
  }

  private update(pod: Pod, mutate: (pod: Pod) => void): Pod | undefined {
    return this.options.store.update<Pod>(
      "pods",
      pod.metadata.namespace as string,
      pod.metadata.name as string,
      mutate,
    );
  }

  private setContainerState(pod: Pod, state: ContainerState, patch: Partial<ContainerStatus> = {}): void {
    const container = pod.spec.containers[0] as Container;
    const previous = pod.status.containerStatuses?.[0];
    const status: ContainerStatus = {
      name: container.name,
      image: container.image ?? "",
      imageID: previous?.imageID ?? "",
      ready: false,
      started: false,
      restartCount: previous?.restartCount ?? 0,
      lastState: previous?.lastState ?? {},
      state,
      ...(previous?.containerID ? { containerID: previous.containerID } : {}),
      ...patch,
    };
    pod.status.containerStatuses = [status];
  }

  /** Records (or bumps the count of) an event about a pod. */
  event(
    pod: Pod,
    type: KubernetesEvent["type"],
    reason: string,
    message: string,
    component: "kubelet" | "default-scheduler" = "kubelet",
  ): void {
    const { store } = this.options;
    const namespace = pod.metadata.namespace as string;
    const podName = pod.metadata.name as string;
    const container = pod.spec.containers[0]?.name;
    const existing = store
      .list<KubernetesEvent>("events", { namespace, labels: [], fields: [] })
      .find(
        (event) =>
          event.involvedObject.uid === pod.metadata.uid && event.reason === reason && event.message === message,
      );
    const now = kubernetesTime();
    if (existing) {
      store.update<KubernetesEvent>("events", namespace, existing.metadata.name as string, (event) => {
        event.count += 1;
        event.lastTimestamp = now;
      });
      return;
    }
    const containerScoped = component === "kubelet" && reason !== "DeadlineExceeded";
    store.create<KubernetesEvent>("events", {
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
      source: component === "kubelet" ? { component, host: nodeName } : { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === "kubelet" ? nodeName : "",
    });
  }

  private async lifecycle(created: Pod, runtime: PodRuntime): Promise<void> {
    const { timings } = this.options;
    const { faults } = runtime;
    const container = created.spec.containers[0] as Container;
    const image = container.image ?? "";
    const namespace = created.metadata.namespace as string;
    const name = created.metadata.name as string;

    await delay(timings.scheduleMs);
    if (!this.alive(created, runtime)) return;
    if (faults.unschedulable) {
      const message =
        faults.unschedulable.message ??
        "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
      this.update(created, (pod) => setCondition(pod, condition("PodScheduled", "False", "Unschedulable", message)));
      this.event(created, "Warning", "FailedScheduling", message, "default-scheduler");
      return;
    }
    this.update(created, (pod) => {
      pod.spec.nodeName = nodeName;
      setCondition(pod, condition("PodScheduled", "True"));
    });
    this.event(
      created,
      "Normal",
      "Scheduled",
      `Successfully assigned ${namespace}/${name} to ${nodeName}`,
      "default-scheduler",
    );
    const startTime = new Date();
    const scheduled = this.update(created, (pod) => {
      pod.status.hostIP = hostIP;
      pod.status.startTime = kubernetesTime(startTime);
      setCondition(pod, condition("Initialized", "True"));
      const notReady = `containers with unready status: [${container.name}]`;
      setCondition(pod, condition("Ready", "False", "ContainersNotReady", notReady));
      setCondition(pod, condition("ContainersReady", "False", "ContainersNotReady", notReady));
      this.setContainerState(pod, { waiting: { reason: "ContainerCreating" } });
    });
    if (!scheduled) return;
    this.armDeadline(scheduled, runtime, startTime);

    this.event(created, "Normal", "Pulling", `Pulling image "${image}"`);
    await delay(timings.pullMs);
    if (!this.alive(created, runtime)) return;
    if (faults.imagePullError) {
      const reason =
        faults.imagePullError.message ??
        `failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
      this.update(created, (pod) =>
        this.setContainerState(pod, { waiting: { reason: "ErrImagePull", message: reason } }),
      );
      this.event(created, "Warning", "Failed", `Failed to pull image "${image}": ${reason}`);
      this.event(created, "Warning", "Failed", "Error: ErrImagePull");
      await delay(timings.backOffMs);
      if (!this.alive(created, runtime)) return;
      const backOff = `Back-off pulling image "${image}"`;
      this.update(created, (pod) =>
        this.setContainerState(pod, { waiting: { reason: "ImagePullBackOff", message: backOff } }),
      );
      this.event(created, "Normal", "BackOff", backOff);
      this.event(created, "Warning", "Failed", "Error: ImagePullBackOff");
      return;
    }
    this.event(
      created,
      "Normal",
      "Pulled",
      `Successfully pulled image "${image}" in ${timings.pullMs}ms (${timings.pullMs}ms including waiting). Image size: 0 bytes.`,
    );
    this.update(created, (pod) =>
      this.setContainerState(pod, { waiting: { reason: "ContainerCreating" } }, { imageID: imageID(image) }),
    );
    this.event(created, "Normal", "Created", `Created container ${container.name}`);
    await delay(timings.startMs + (faults.slowStart?.ms ?? 0));
    if (!this.alive(created, runtime)) return;

    const startedAt = kubernetesTime();
    const containerID = `containerd://${randomBytes(32).toString("hex")}`;
    const running = this.update(created, (pod) => {
      pod.status.phase = "Running";
      pod.status.podIP = `10.244.0.${(Number.parseInt(pod.metadata.uid?.slice(0, 2) ?? "0", 16) % 250) + 2}`;
      setCondition(pod, condition("Ready", "True"));
      setCondition(pod, condition("ContainersReady", "True"));
      this.setContainerState(pod, { running: { startedAt } }, { ready: true, started: true, containerID });
    });
    if (!running) return;
    runtime.started = true;
    this.event(created, "Normal", "Started", `Started container ${container.name}`);

    const execution = this.execute(running, runtime);
    runtime.executorDone = execution.then(() => undefined);
    const result = await execution;
    if (!this.alive(created, runtime)) return;
    this.finish(running, runtime, result, startedAt, containerID);
  }

  private async execute(pod: Pod, runtime: PodRuntime): Promise<ExecutorResult> {
    const { faults } = runtime;
    const container = executorContainer(pod.spec.containers[0] as Container);
    const log = (line: string, stream: "stdout" | "stderr" = "stdout") => {
      if (!runtime.terminated) runtime.log(line, stream);
    };
    if (faults.oomKilled || faults.exitCode) {
      await drain(runtime);
      if (faults.oomKilled) return { exitCode: 137, reason: "OOMKilled" };
      const code = faults.exitCode?.code ?? 1;
      log(faults.exitCode?.message ?? `error building image: simulated failure (exit code ${code})`, "stderr");
      return { exitCode: code };
    }
    let result: ExecutorResult;
    try {
      result = await this.options.executor({
        pod: structuredClone(pod),
        namespace: pod.metadata.namespace as string,
        podName: pod.metadata.name as string,
        container,
        stdin: runtime.stdin,
        log,
        signal: runtime.abortController.signal,
        buildahRoot: this.options.buildahRoot,
      });
    } catch (error) {
      log(`error executing container: ${error instanceof Error ? error.message : String(error)}`, "stderr");
      result = { exitCode: 1 };
    }
    if (result.exitCode === 0 && faults.terminationMessage) {
      const original = result.terminationMessage ?? "";
      switch (faults.terminationMessage.kind) {
        case "empty":
          result = { ...result, terminationMessage: "" };
          break;
        case "garbage":
          result = { ...result, terminationMessage: "\u0000garbage: not an image digest\n" };
          break;
        case "other-repository": {
          const digest = /sha256:[0-9a-f]{64}/.exec(original)?.[0] ?? `sha256:${"0".repeat(64)}`;
          result = { ...result, terminationMessage: `registry.invalid/someone-else/other-image@${digest}\n` };
          break;
        }
      }
    }
    return result;
  }

  private finish(pod: Pod, runtime: PodRuntime, result: ExecutorResult, startedAt: string, containerID: string): void {
    const container = pod.spec.containers[0] as Container;
    let message = truncateUtf8(result.terminationMessage ?? "", terminationMessageLimit);
    if (!message && result.exitCode !== 0 && container.terminationMessagePolicy === "FallbackToLogsOnError") {
      const tail = runtime.logEntries
        .slice(-80)
        .map((entry) => entry.text)
        .join("");
      message = truncateUtf8(tail.slice(-2048), 2048);
    }
    const terminated = {
      exitCode: result.exitCode,
      reason: result.reason ?? (result.exitCode === 0 ? "Completed" : "Error"),
      ...(message ? { message } : {}),
      startedAt,
      finishedAt: kubernetesTime(),
      containerID,
    };
    const policy = pod.spec.restartPolicy ?? "Always";
    const restarts = policy === "Always" || (policy === "OnFailure" && result.exitCode !== 0);
    runtime.terminate({ ...result, ...(message ? { terminationMessage: message } : {}) });
    const podKey = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
    this.update(pod, (current) => {
      const notReady = `containers with unready status: [${container.name}]`;
      if (restarts) {
        const backOff = `back-off 10s restarting failed container=${container.name} pod=${podKey}`;
        this.setContainerState(
          current,
          { waiting: { reason: "CrashLoopBackOff", message: backOff } },
          { lastState: { terminated }, restartCount: 1, containerID },
        );
        setCondition(current, condition("Ready", "False", "ContainersNotReady", notReady));
        setCondition(current, condition("ContainersReady", "False", "ContainersNotReady", notReady));
        return;
      }
      current.status.phase = result.exitCode === 0 ? "Succeeded" : "Failed";
      const reason = result.exitCode === 0 ? "PodCompleted" : "PodFailed";
      setCondition(current, condition("Ready", "False", reason));
      setCondition(current, condition("ContainersReady", "False", reason));
      this.setContainerState(current, { terminated }, { containerID });
    });
    if (restarts) {
      this.event(pod, "Warning", "BackOff", `Back-off restarting failed container ${container.name} in pod ${podKey}`);
    }
  }

  private armDeadline(pod: Pod, runtime: PodRuntime, startTime: Date): void {
    const seconds = pod.spec.activeDeadlineSeconds;
    if (seconds === undefined || seconds === null) return;
    const wait = Math.max(0, startTime.getTime() + seconds * 1000 - Date.now());
    const timer = setTimeout(() => {
      if (!this.alive(pod, runtime)) return;
      const current = this.options.store.get<Pod>(
        "pods",
        pod.metadata.namespace as string,
        pod.metadata.name as string,
      );
      if (!current) return;
      const message = "Pod was active on the node longer than the specified deadline";
      const wasRunning = runtime.started;
      const container = pod.spec.containers[0] as Container;
      if (wasRunning) this.event(pod, "Normal", "Killing", `Stopping container ${container.name}`);
      runtime.kill({ exitCode: 137, reason: "Error" });
      this.update(pod, (updated) => {
        updated.status.phase = "Failed";
        updated.status.reason = "DeadlineExceeded";
        updated.status.message = message;
        setCondition(updated, condition("Ready", "False", "PodFailed"));
        setCondition(updated, condition("ContainersReady", "False", "PodFailed"));
        const status = updated.status.containerStatuses?.[0];
        if (wasRunning && status) {
          this.setContainerState(
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
      this.event(pod, "Warning", "DeadlineExceeded", message);
    }, wait);
    timer.unref();
    runtime.abortController.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
    runtime.onTerminated(() => clearTimeout(timer));
  }
}

async function drain(runtime: PodRuntime): Promise<void> {
  const { stdin } = runtime;
  if (stdin.readableEnded || stdin.destroyed) return;
  await new Promise<void>((resolve) => {
    stdin.on("data", () => {});
    stdin.once("end", () => resolve());
    stdin.once("close", () => resolve());
    runtime.abortController.signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
