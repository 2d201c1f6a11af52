import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { PodFaults } from "../faults/fault-plan.js";
import type { KubeletTimings } from "../kubernetes-double-options.js";
import { kubernetesTime } from "../kubernetes-time.js";
import type { Container, Pod, Secret } from "../kubernetes-types.js";
import type { ClusterStore } from "../store/cluster-store.js";
import { scheduleAutoscalerEvents } from "./autoscaler-events.js";
import { resolveContainerEnv, type SecretLookup } from "./container-env.js";
import { recordContainerExit } from "./container-exit.js";
import { pulledImageID, setContainerState } from "./container-state.js";
import type { Executor } from "./executor.js";
import { podCondition, setContainersNotReady, setPodCondition } from "./pod-conditions.js";
import { armPodDeadline } from "./pod-deadline.js";
import { PodRuntime } from "./pod-runtime.js";
import { PodStatusWriter } from "./pod-status-writer.js";
import { type ContainerConfig, runExecutor } from "./run-executor.js";
import { containerFiles, type MountedVolumes, mountSecretVolumes } from "./secret-volumes.js";
import { NODE_HOST_IP, NODE_NAME, podIP } from "./simulated-node.js";

/** How long `stop()` waits for executors to return after they were killed. */
const STOP_TIMEOUT_MS = 10_000;
/** Retries of a failed mount or container config wait `backOffMs`, doubling up to this many times as long. */
const MAX_RETRY_BACK_OFF_FACTOR = 8;

export interface SimulatedKubeletOptions {
  store: ClusterStore;
  executor: Executor;
  timings: Required<KubeletTimings>;
  stateDir: string;
  stdinHighWaterMark: number;
}

/** Moves pods through their phases, runs their executor and records events, like a scheduler plus kubelet. */
export class SimulatedKubelet {
  readonly #options: SimulatedKubeletOptions;
  readonly #writer: PodStatusWriter;
  readonly #runtimes = new Map<string, PodRuntime>();

  constructor(options: SimulatedKubeletOptions) {
    this.#options = options;
    this.#writer = new PodStatusWriter(options.store);
  }

  runtime(namespace: string, name: string): PodRuntime | undefined {
    return this.#runtimes.get(`${namespace}/${name}`);
  }

  /** Takes a freshly created pod and runs its lifecycle in the background. */
  admit(pod: Pod, faults: PodFaults): void {
    const container = pod.spec.containers[0] as Container;
    const runtime = new PodRuntime({
      faults,
      stdin: container.stdin === true,
      stdinOnce: container.stdinOnce === true,
      stdinHighWaterMark: this.#options.stdinHighWaterMark,
    });
    this.#runtimes.set(`${pod.metadata.namespace}/${pod.metadata.name}`, runtime);
    this.#lifecycle(pod, runtime).catch((error: unknown) => {
      runtime.log(`simulated kubelet error: ${String(error)}`, "stderr");
    });
  }

  /**
   * Deletes a pod: immediately when it is not running or the grace period is 0, else marks it terminating,
   * stops its container and removes it once the executor has stopped (or the grace period ran out).
   */
  delete(namespace: string, name: string, gracePeriodSeconds: number | undefined): Pod | undefined {
    const { store } = this.#options;
    const pod = store.get<Pod>("pods", namespace, name);
    if (!pod) return undefined;
    const runtime = this.runtime(namespace, name);
    const grace = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    const running = runtime?.started === true && !runtime.terminated;
    const killing = `Stopping container ${pod.spec.containers[0]?.name}`;
    if (!running || grace <= 0) {
      if (running) this.#writer.event(pod, "Normal", "Killing", killing);
      this.#forget(namespace, name)?.kill();
      return store.remove<Pod>("pods", namespace, name);
    }
    if (pod.metadata.deletionTimestamp) return pod;
    const marked = this.#writer.update(pod, (current) => {
      current.metadata.deletionTimestamp = kubernetesTime(new Date(Date.now() + grace * 1000));
      current.metadata.deletionGracePeriodSeconds = grace;
    });
    this.#writer.event(pod, "Normal", "Killing", killing);
    runtime.kill({ exitCode: 137, reason: "Error" });
    const graceOver = delay(grace * 1000, undefined, { ref: false });
    void Promise.race([runtime.executorDone, graceOver]).then(() => {
      this.#forget(namespace, name);
      store.remove("pods", namespace, name);
    });
    return marked;
  }

  /** Kills every container (the double is stopping). */
  async stop(): Promise<void> {
    const done: Promise<void>[] = [];
    for (const runtime of this.#runtimes.values()) {
      runtime.kill();
      done.push(runtime.executorDone);
    }
    this.#runtimes.clear();
    await Promise.race([Promise.all(done), delay(STOP_TIMEOUT_MS, undefined, { ref: false })]);
  }

  #forget(namespace: string, name: string): PodRuntime | undefined {
    const key = `${namespace}/${name}`;
    const runtime = this.#runtimes.get(key);
    this.#runtimes.delete(key);
    return runtime;
  }

  #alive(pod: Pod, runtime: PodRuntime): boolean {
    return (
      this.runtime(pod.metadata.namespace as string, pod.metadata.name as string) === runtime && !runtime.terminated
    );
  }

  /**
   * Created → scheduled → volumes mounted → image pulled → container config resolved → running → exited, with the
   * statuses and events a real cluster shows.
   */
  async #lifecycle(created: Pod, runtime: PodRuntime): Promise<void> {
    if (!(await this.#schedule(created, runtime))) return;
    const volumes = await this.#mountVolumes(created, runtime);
    if (!volumes) return;
    if (!(await this.#pullImage(created, runtime))) return;
    const config = await this.#createContainerConfig(created, runtime, volumes);
    if (!config) return;
    await delay(this.#options.timings.startMs + (runtime.faults.slowStart?.ms ?? 0));
    if (!this.#alive(created, runtime)) return;

    const container = created.spec.containers[0] as Container;
    const startedAt = kubernetesTime();
    const containerID = `containerd://${randomBytes(32).toString("hex")}`;
    const running = this.#writer.update(created, (pod) => {
      pod.status.phase = "Running";
      pod.status.podIP = podIP(pod.metadata.uid);
      setPodCondition(pod, podCondition("Ready", "True"));
      setPodCondition(pod, podCondition("ContainersReady", "True"));
      setContainerState(pod, { running: { startedAt } }, { ready: true, started: true, containerID });
    });
    if (!running) return;
    runtime.started = true;
    this.#writer.event(created, "Normal", "Started", `Started container ${container.name}`);

    const execution = runExecutor(running, runtime, this.#options.executor, this.#options.stateDir, config);
    runtime.executorDone = execution.then(() => undefined);
    const result = await execution;
    if (!this.#alive(created, runtime)) return;
    recordContainerExit(this.#writer, running, runtime, result, { startedAt, containerID });
  }

  /** Binds the pod to the node (or leaves it Pending and unschedulable); returns whether it was scheduled. */
  async #schedule(created: Pod, runtime: PodRuntime): Promise<boolean> {
    const { faults } = runtime;
    await delay(this.#options.timings.scheduleMs);
    if (!this.#alive(created, runtime)) return false;
    const unschedulable = faults.unschedulable ?? faults.autoscaler;
    if (unschedulable) {
      const message =
        unschedulable.message ??
        "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
      this.#writer.update(created, (pod) =>
        setPodCondition(pod, podCondition("PodScheduled", "False", "Unschedulable", message)),
      );
      this.#writer.event(created, "Warning", "FailedScheduling", message, "default-scheduler");
      const autoscaler = faults.unschedulable ? undefined : faults.autoscaler;
      if (!autoscaler) return false;
      const alive = () => this.#alive(created, runtime);
      scheduleAutoscalerEvents(this.#writer, created, autoscaler.events, alive);
      if (autoscaler.nodeReadyAfterMs === undefined) return false;
      await delay(autoscaler.nodeReadyAfterMs);
      if (!alive()) return false;
    }
    const { namespace, name } = created.metadata;
    const container = created.spec.containers[0] as Container;
    this.#writer.update(created, (pod) => {
      pod.spec.nodeName = NODE_NAME;
      setPodCondition(pod, podCondition("PodScheduled", "True"));
    });
    const assigned = `Successfully assigned ${namespace}/${name} to ${NODE_NAME}`;
    this.#writer.event(created, "Normal", "Scheduled", assigned, "default-scheduler");
    const startTime = new Date();
    const scheduled = this.#writer.update(created, (pod) => {
      pod.status.hostIP = NODE_HOST_IP;
      pod.status.startTime = kubernetesTime(startTime);
      setPodCondition(pod, podCondition("Initialized", "True"));
      setContainersNotReady(pod, "ContainersNotReady", `containers with unready status: [${container.name}]`);
      setContainerState(pod, { waiting: { reason: "ContainerCreating" } });
    });
    if (!scheduled) return false;
    armPodDeadline(this.#writer, scheduled, runtime, startTime, () => this.#alive(created, runtime));
    return true;
  }

  /** Pulls the image (or fails to: `ErrImagePull`, then `ImagePullBackOff`); returns whether it pulled. */
  async #pullImage(created: Pod, runtime: PodRuntime): Promise<boolean> {
    const { timings } = this.#options;
    const { faults } = runtime;
    const container = created.spec.containers[0] as Container;
    const image = container.image ?? "";
    this.#writer.event(created, "Normal", "Pulling", `Pulling image "${image}"`);
    await delay(timings.pullMs);
    if (!this.#alive(created, runtime)) return false;
    if (faults.imagePullError) {
      const reason =
        faults.imagePullError.message ??
        `failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
      this.#writer.update(created, (pod) =>
        setContainerState(pod, { waiting: { reason: "ErrImagePull", message: reason } }),
      );
      this.#writer.event(created, "Warning", "Failed", `Failed to pull image "${image}": ${reason}`);
      this.#writer.event(created, "Warning", "Failed", "Error: ErrImagePull");
      await delay(timings.backOffMs);
      if (!this.#alive(created, runtime)) return false;
      const backOff = `Back-off pulling image "${image}"`;
      this.#writer.update(created, (pod) =>
        setContainerState(pod, { waiting: { reason: "ImagePullBackOff", message: backOff } }),
      );
      this.#writer.event(created, "Normal", "BackOff", backOff);
      this.#writer.event(created, "Warning", "Failed", "Error: ImagePullBackOff");
      return false;
    }
    this.#writer.event(
      created,
      "Normal",
      "Pulled",
      `Successfully pulled image "${image}" in ${timings.pullMs}ms (${timings.pullMs}ms including waiting). Image size: 0 bytes.`,
    );
    this.#writer.update(created, (pod) =>
      setContainerState(pod, { waiting: { reason: "ContainerCreating" } }, { imageID: pulledImageID(image) }),
    );
    return true;
  }

  #secrets(pod: Pod): SecretLookup {
    return (name) => this.#options.store.get<Secret>("secrets", pod.metadata.namespace as string, name);
  }

  /**
   * Runs `attempt` until it succeeds, waiting `backOffMs` (doubling, capped) after each failure, as the kubelet
   * retries a pod's sync; undefined once the pod is gone.
   */
  async #retry<T>(created: Pod, runtime: PodRuntime, attempt: () => T | undefined): Promise<T | undefined> {
    const { backOffMs } = this.#options.timings;
    for (let wait = backOffMs; ; wait = Math.min(wait * 2, backOffMs * MAX_RETRY_BACK_OFF_FACTOR)) {
      const result = attempt();
      if (result !== undefined) return result;
      await delay(wait);
      if (!this.#alive(created, runtime)) return undefined;
    }
  }

  /** Sets up the pod's secret volumes; while one cannot be, the pod stays ContainerCreating with `FailedMount` events. */
  #mountVolumes(created: Pod, runtime: PodRuntime): Promise<MountedVolumes | undefined> {
    return this.#retry(created, runtime, () => {
      const mounted = mountSecretVolumes(created, this.#secrets(created));
      if (mounted.ok) return mounted.volumes;
      for (const message of mounted.failures) this.#writer.event(created, "Warning", "FailedMount", message);
      return undefined;
    });
  }

  /**
   * Resolves the container's env and files; while a secret or key it needs is missing, the container waits with
   * `CreateContainerConfigError` and the pod stays Pending.
   */
  #createContainerConfig(
    created: Pod,
    runtime: PodRuntime,
    volumes: MountedVolumes,
  ): Promise<ContainerConfig | undefined> {
    const container = created.spec.containers[0] as Container;
    return this.#retry(created, runtime, () => {
      const resolved = resolveContainerEnv(created.metadata.namespace as string, container, this.#secrets(created));
      if (!resolved.ok) {
        this.#writer.update(created, (pod) =>
          setContainerState(pod, { waiting: { reason: "CreateContainerConfigError", message: resolved.message } }),
        );
        this.#writer.event(created, "Warning", "Failed", `Error: ${resolved.message}`);
        return undefined;
      }
      for (const warning of resolved.warnings) {
        this.#writer.event(created, "Warning", "InvalidEnvironmentVariableNames", warning);
      }
      this.#writer.event(created, "Normal", "Created", `Created container ${container.name}`);
      return { env: resolved.env, files: containerFiles(container, volumes) };
    });
  }
}
