/** Which pods a pod fault applies to: only the next pod created, or every pod (the default). */
export type FaultTarget = "next" | "all";

export interface PodFault {
  /** `"next"`: only the next pod created (then the fault is used up); `"all"` (default): every pod. */
  pods?: FaultTarget;
}

/** The API calls an {@link ApiFault} can target. */
export type ApiVerb =
  | "create"
  | "get"
  | "list"
  | "watch"
  | "delete"
  | "log"
  | "attach"
  | "events"
  | "namespace"
  /** `GET .../secrets/<name>`: reading one secret. */
  | "get-secret";

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
