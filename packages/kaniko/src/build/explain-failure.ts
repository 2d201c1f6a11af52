import { BuildError, ConfigError, type ImageReference } from "@flavorstack/core/plugin";
import { apiErrorInfo, describeApiError, eventMessage } from "../kube/api-error.js";
import { AttachError } from "../kube/attach-stdin.js";
import { PodGoneError, WatchRefusedError } from "../kube/pod-watcher.js";
import type { PodProgress } from "./pod-status.js";
import type { NoScaleUpError } from "./scale-up-wait.js";
import { parseTerminationMessage } from "./termination-message.js";

/** Where a build runs: for messages and the `kubectl` commands they suggest. */
export interface BuildSite {
  /** The kubeconfig context. */
  context: string;
  namespace: string;
  /** `namespace/pod` */
  pod: string;
}

/** What went wrong with a build pod: becomes a `KanikoBuildError` with the pod's log tail and events. */
export interface FailureReport {
  summary: string;
  exitCode?: number | undefined;
  reason?: string | undefined;
  cause?: unknown;
  /** The container's termination message: on failure, the end of its log (FallbackToLogsOnError). */
  terminationMessage?: string | undefined;
}

export type TerminatedPod = Extract<PodProgress, { kind: "terminated" }>;
export type CannotStartPod = Extract<PodProgress, { kind: "cannot-start" }>;

/** The error for a failed namespace read, or undefined when the build may go on (403: a namespace-scoped user). */
export function explainNamespaceCheck(error: unknown, site: BuildSite, server: string | undefined): Error | undefined {
  const { context, namespace } = site;
  const { code } = apiErrorInfo(error);
  if (code === 403) return undefined;
  if (code === 404) {
    return new ConfigError(
      `The Kubernetes namespace '${namespace}' does not exist in context '${context}'. The Kaniko image builder never creates it: it must exist. Create it with \`kubectl --context ${context} create namespace ${namespace}\`, or set 'kubernetesNamespace' to an existing namespace.`,
    );
  }
  if (code === 401) {
    return new BuildError(
      `The API server of context '${context}' refused the kubeconfig's credentials (HTTP 401). Refresh them (e.g. log in to your cloud again) and retry.`,
      { cause: error },
    );
  }
  return new BuildError(
    `Cannot talk to the Kubernetes API server of context '${context}' (${server}): ${describeApiError(error)}. Check that the cluster is up and reachable from here.`,
    { cause: error },
  );
}

/** The service account admission's refusal of a pod naming a service account that does not exist. */
const MISSING_SERVICE_ACCOUNT = /error looking up service account [^:]+: serviceaccount "([^"]+)" not found/;

export function explainCreateFailure(error: unknown, site: BuildSite): BuildError {
  const { code, message } = apiErrorInfo(error);
  const account = MISSING_SERVICE_ACCOUNT.exec(message)?.[1];
  let hint = "";
  if (account) {
    hint = ` The service account '${account}' ('serviceAccountName') does not exist in namespace '${site.namespace}': create it (\`kubectl --context ${site.context} -n ${site.namespace} create serviceaccount ${account}\`) or fix 'serviceAccountName'.`;
  } else if (code === 403) {
    hint = ` The kubeconfig's user (context '${site.context}') needs create, get, watch and delete on pods, create on pods/attach and get on pods/log in namespace '${site.namespace}'.`;
  }
  return new BuildError(`Creating the build pod ${site.pod} failed: ${describeApiError(error)}.${hint}`, {
    cause: error,
  });
}

/** A wait that ended otherwise than by its time limit: the pod was deleted, or watching it failed. */
export function explainWaitFailure(error: unknown, site: BuildSite): FailureReport {
  if (error instanceof PodGoneError) {
    return {
      summary: `${error.message} Nothing was confirmed pushed; retry the build.`,
      reason: "PodDeleted",
      cause: error,
    };
  }
  const code = apiErrorInfo(error).code;
  const refused = code === 401 || code === 403 || error instanceof WatchRefusedError;
  const hint = refused
    ? ` The kubeconfig's user (context '${site.context}') needs get, list and watch on pods in namespace '${site.namespace}'.`
    : " Check that the API server is reachable; retry the build.";
  return {
    summary: `Waiting for the build pod ${site.pod} failed: ${describeApiError(error)}.${hint}`,
    reason: "WatchFailed",
    cause: error,
  };
}

export function explainNotRunning(
  site: BuildSite,
  podRunningTimeout: number,
  lastSeen: PodProgress | undefined,
  scaleUp?: string | undefined,
) {
  let where = "";
  if (lastSeen?.kind === "pending") where = `: ${lastSeen.summary}`;
  else if (lastSeen?.kind === "unschedulable") {
    where = `: still unschedulable (${lastSeen.message})${scaleUp ? `, though a scale-up was triggered (${scaleUp})` : ""}`;
  }
  const hint = scaleUp
    ? "Check the events below and the autoscaler's (node group limits, quotas, instance availability); raise podRunningTimeout if new nodes take longer to join."
    : "Check the events below; raise podRunningTimeout if pulling the executor image is slow.";
  return {
    summary: `The build pod ${site.pod} was not running after ${podRunningTimeout} s (podRunningTimeout)${where}. ${hint}`,
    reason: "PodRunningTimeout",
  } satisfies FailureReport;
}

/** The pod is unschedulable and no node is coming: the autoscaler refused, or signalled nothing in the grace window. */
export function explainNoScaleUp(site: BuildSite, error: NoScaleUpError, scaleUpGraceSeconds: number): FailureReport {
  const scheduler = error.schedulerMessage ? ` (${error.schedulerMessage})` : "";
  const start = `The build pod ${site.pod} cannot start: Unschedulable${scheduler}.`;
  if (error.reason === "NotTriggerScaleUp") {
    return {
      summary: `${start} No node can run the pod, and the cluster autoscaler will not add one (NotTriggerScaleUp: ${error.autoscalerMessage}). Check the node groups' sizes and machine types, taints, and the resources and volumes the pod asks for.`,
      reason: "NotTriggerScaleUp",
      cause: error,
    };
  }
  const unreadable =
    error.eventsError === undefined
      ? ""
      : ` The pod's events could not be read (${describeApiError(error.eventsError)}): the kubeconfig's user (context '${site.context}') needs list on events in namespace '${site.namespace}' to see a scale-up.`;
  return {
    summary: `${start} No node can run the pod, and no autoscaler signalled a scale-up (a TriggeredScaleUp or Nominated event) within ${scaleUpGraceSeconds} s (scaleUpGraceSeconds).${unreadable} Check node capacity, taints and the volumes it asks for; raise scaleUpGraceSeconds if the cluster's autoscaler is slow to react.`,
    reason: "Unschedulable",
    cause: error,
  };
}

export function explainCannotStart(site: BuildSite, pod: CannotStartPod, executorImage: string): FailureReport {
  const message = pod.message ? ` (${pod.message})` : "";
  return {
    summary: `The build pod ${site.pod} cannot start: ${pod.reason}${message}. ${cannotStartHint(pod, site, executorImage)}`,
    reason: pod.reason,
  };
}

export function explainUnfinished(site: BuildSite, activeDeadlineSeconds: number): FailureReport {
  return {
    summary: `The build pod ${site.pod} did not finish within activeDeadlineSeconds (${activeDeadlineSeconds} s) plus a margin.`,
    reason: "Timeout",
  };
}

/** The context stream failed and the pod's result (if any came) does not explain it. */
export function explainStreamFailure(error: unknown, site: BuildSite): FailureReport {
  let hint: string;
  if (error instanceof AttachError && !error.connected) {
    const code = apiErrorInfo(error.cause).code;
    hint =
      code === undefined || code === 401 || code === 403
        ? ` The kubeconfig's user (context '${site.context}') needs create on pods/attach in namespace '${site.namespace}', and proxies between here and the API server must pass WebSocket upgrades.`
        : "";
  } else {
    hint =
      " The build did not get its whole context; retry, and check the network between here, the API server and the node if it recurs.";
  }
  return {
    summary: `Streaming the build context to ${site.pod} failed: ${eventMessage(error)}.${hint}`,
    reason: "ContextStreamFailed",
    cause: error,
  };
}

/**
 * The pushed image, or why the build failed: success only with exit code 0
 * and a termination message naming the requested repository with a digest.
 */
export function explainTermination(
  pod: TerminatedPod,
  destination: ImageReference,
  site: BuildSite,
  context: { activeDeadlineSeconds: number; streamError?: unknown },
): { ok: true; image: ImageReference } | { ok: false; failure: FailureReport } {
  const { exitCode, reason } = pod;
  if (exitCode === 0) {
    const parsed = parseTerminationMessage(pod.message, destination);
    if (parsed.ok) return { ok: true, image: parsed.image };
    return {
      ok: false,
      failure: {
        summary: `The kaniko build of ${destination} in pod ${site.pod} cannot be confirmed: ${parsed.problem}.`,
        exitCode,
        reason: "BadTerminationMessage",
      },
    };
  }
  const streamNote = context.streamError
    ? ` (the context stream also broke: ${eventMessage(context.streamError)})`
    : "";
  const hint = terminationHint(reason, context.activeDeadlineSeconds);
  if (exitCode === undefined) {
    const message = pod.message ? `: ${pod.message}` : "";
    return {
      ok: false,
      failure: {
        summary: `The build pod ${site.pod} ended (${pod.phase ?? "unknown phase"}${reason ? `, ${reason}` : ""}) before the executor ran${message}.${streamNote} ${hint}`,
        reason,
      },
    };
  }
  const podMessage = pod.podMessage ? `: ${pod.podMessage}` : "";
  return {
    ok: false,
    failure: {
      summary: `The kaniko build of ${destination} failed in pod ${site.pod}: exit code ${exitCode}${reason ? ` (${reason})` : ""}${podMessage}.${streamNote} ${hint}`,
      exitCode,
      reason,
      terminationMessage: pod.message,
    },
  };
}

export function explainFailedDelete(error: unknown, site: BuildSite, podName: string): string {
  return `Could not delete the kaniko build pod ${site.pod}: ${describeApiError(error)}. Delete it with \`kubectl --context ${site.context} -n ${site.namespace} delete pod ${podName}\` (or the builder's sweep()).`;
}

function cannotStartHint({ reason, message }: CannotStartPod, site: BuildSite, executorImage: string): string {
  switch (reason) {
    case "ErrImagePull":
    case "ImagePullBackOff":
    case "ErrImageNeverPull":
      return `The node cannot pull the executor image '${executorImage}': check the name and tag, and the registry credentials (imagePullSecrets of the service account).`;
    case "InvalidImageName":
      return `The executor image '${executorImage}' is not a valid image name: fix 'executorImage'.`;
    case "CreateContainerConfigError":
      return containerConfigHint(message, site);
    case "CreateContainerError":
      return "The container cannot be created from its spec: check the secrets and config maps that env, envFrom and volumes refer to exist in the namespace.";
    default:
      return "See the events below.";
  }
}

/** The kubelet's messages for a secret, or a key of one, that the container's env or envFrom names. */
const MISSING_SECRET = /^secret "([^"]+)" not found$/;
const MISSING_SECRET_KEY = /^couldn't find key (\S+) in Secret [^/]+\/(\S+)$/;

function containerConfigHint(message: string, site: BuildSite): string {
  const { context, namespace } = site;
  const secret = MISSING_SECRET.exec(message)?.[1];
  if (secret) {
    return `The secret '${secret}' that the builder's 'env' or 'envFrom' names does not exist in namespace '${namespace}': create it there (\`kubectl --context ${context} -n ${namespace} create secret generic ${secret} --from-literal=KEY=VALUE\`), or fix the name in 'env' / 'envFrom'.`;
  }
  const key = MISSING_SECRET_KEY.exec(message);
  if (key) {
    return `The secret '${key[2]}' in namespace '${namespace}' has no key '${key[1]}' that the builder's 'env' names: add the key to the secret, or fix 'secretKeyRef.key' in 'env'.`;
  }
  return `The container cannot be created from its spec: check that the secrets and config maps that 'env' and 'envFrom' refer to exist in namespace '${namespace}'.`;
}

function terminationHint(reason: string | undefined, activeDeadlineSeconds: number): string {
  switch (reason) {
    case "OOMKilled":
      return "The executor ran out of memory: give the namespace's pods a higher memory limit (e.g. with a LimitRange) or make the build lighter.";
    case "DeadlineExceeded":
      return `The pod ran longer than activeDeadlineSeconds (${activeDeadlineSeconds} s): raise it if builds take longer.`;
    case "Evicted":
      return "The node evicted the pod (resource pressure): retry, or give the pod more room.";
    default:
      return "See the executor's last log lines below (when they could be read).";
  }
}
