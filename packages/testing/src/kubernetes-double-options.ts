import type { Readable } from "node:stream";
import type { Pod } from "./kubernetes-types.js";

/** Which pods a pod fault applies to: only the next pod created, or every pod (the default). */
export type FaultTarget = "next" | "all";

export interface PodFault {
  /** `"next"`: only the next pod created (then the fault is used up); `"all"` (default): every pod. */
  pods?: FaultTarget;
}

/** The API calls an {@link ApiFault} can target. */
export type ApiVerb = "create" | "get" | "list" | "watch" | "delete" | "log" | "attach" | "events" | "namespace";

/** Answer a chosen API call with an error `Status` instead of serving it. */
export interface ApiFault {
  verb: ApiVerb;
  /** HTTP status, e.g. 403, 409, 500. */
  status: number;
  /** How many matching calls fail; every matching call when unset. */
  times?: number;
  /** Only calls naming this object (pod or namespace name). */
  name?: string;
  /** Overrides the Status `reason` (defaults follow the code: Forbidden, AlreadyExists/Conflict, InternalError, ...). */
  reason?: string;
  /** Overrides the Status `message`. */
  message?: string;
}

/** Fault injection. Every pod fault is taken when a pod is created, so changing faults never affects existing pods. */
export interface KubernetesDoubleFaults {
  /** The image never pulls: waiting `ErrImagePull`, then `ImagePullBackOff`, with events; the pod stays Pending. */
  imagePullError?: PodFault & { message?: string };
  /** No node fits: `PodScheduled` False / `Unschedulable` and a `FailedScheduling` event; the pod stays Pending. */
  unschedulable?: PodFault & { message?: string };
  /** Extra delay before the container starts (after image pull). */
  slowStart?: PodFault & { ms: number };
  /** The executor is skipped (after reading stdin to EOF when the container has stdin) and the container exits with `code`. */
  exitCode?: PodFault & { code: number; message?: string };
  /** The container is OOM-killed: exit code 137, reason `OOMKilled`. */
  oomKilled?: PodFault;
  /** Replace the executor's termination message after a successful run. */
  terminationMessage?: PodFault & { kind: "empty" | "garbage" | "other-repository" };
  /** The API server drops the attach connection after receiving this many bytes of stdin. */
  attachDrop?: PodFault & { afterBytes: number };
  /** Error answers to chosen API calls. */
  apiErrors?: ApiFault[];
}

/** The container an executor runs, with its env resolved to plain values. */
export interface ExecutorContainer {
  name: string;
  image: string;
  command: string[];
  args: string[];
  /** `env[].value` entries (entries with `valueFrom` are not resolved and left out). */
  env: Record<string, string>;
  stdin: boolean;
  stdinOnce: boolean;
  terminationMessagePath: string;
}

export interface ExecutorContext {
  /** A deep copy of the pod as created (with defaults applied). */
  pod: Pod;
  namespace: string;
  podName: string;
  container: ExecutorContainer;
  /** The container's stdin: what attached clients send; ends at their EOF when `stdinOnce`. Empty when `stdin` is false. */
  stdin: Readable;
  /** Appends a line to the container log (and to attached clients' stdout or stderr). */
  log(line: string, stream?: "stdout" | "stderr"): void;
  /** Aborted when the pod is deleted, hits its deadline or the double stops. */
  signal: AbortSignal;
  /** Storage root for real builds (buildah), from {@link KubernetesDoubleOptions.buildahRoot}. */
  buildahRoot: string;
}

export interface ExecutorResult {
  exitCode: number;
  /** What the container wrote to its termination message path (truncated to 4096 bytes like the kubelet). */
  terminationMessage?: string;
  /** Termination reason; defaults to `Completed` (exit 0) or `Error`. */
  reason?: string;
}

/** Runs a pod's container. */
export type Executor = (context: ExecutorContext) => Promise<ExecutorResult>;

/** Delays of the simulated scheduler and kubelet, in milliseconds. */
export interface KubeletTimings {
  /** Created → scheduled (default 5). */
  scheduleMs?: number;
  /** Scheduled → image pulled (default 10). */
  pullMs?: number;
  /** Pulled → container running (default 5). */
  startMs?: number;
  /** `ErrImagePull` → `ImagePullBackOff` (default 50). */
  backOffMs?: number;
}

export interface KubernetesDoubleOptions {
  /** Namespaces that exist (default `["default", "zenml-kaniko"]`). */
  namespaces?: string[];
  /** Runs each pod's container (default {@link simulatedKaniko}). */
  executor?: Executor;
  /**
   * Attach subprotocols the server accepts, best first (default v5, v4, v3, v2, channel.k8s.io).
   * `["v4.channel.k8s.io"]` behaves like a cluster before Kubernetes 1.30.
   */
  attachProtocols?: string[];
  faults?: KubernetesDoubleFaults;
  /** Storage root for buildah (default: a fresh directory under `os.tmpdir()`, removed by `stop()`). */
  buildahRoot?: string;
  timings?: KubeletTimings;
  /** Bytes of attach stdin buffered before the server stops reading the socket (default 64 KiB). */
  stdinHighWaterMark?: number;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Name of the kubeconfig context, cluster and user (default `flavorstack-double`). */
  contextName?: string;
}
