/**
 * `@flavorstack/kaniko/internal`: the parts the package's own e2e tests and
 * benchmarks use. Not a public API: it changes without notice.
 */
export { KanikoBuildSession, type KanikoBuildSessionOptions } from "./build/kaniko-build-session.js";
export {
  BUILD_ID_LABEL,
  buildKanikoPod,
  COMPONENT_LABEL,
  COMPONENT_VALUE,
  generatePodName,
  KANIKO_CONTAINER_NAME,
  KANIKO_POD_SELECTOR,
  type KanikoExecutorArgsInput,
  type KanikoPodInput,
  kanikoExecutorArgs,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  STDIN_CONTEXT,
} from "./build/kaniko-pod-spec.js";
export { FATAL_WAITING_REASONS, type PodProgress, podProgress } from "./build/pod-status.js";
export { parseTerminationMessage, type TerminationMessageResult } from "./build/termination-message.js";
export { createKanikoImageBuilder, KANIKO_CONTEXT_DIR } from "./kaniko-image-builder.js";
export {
  DEFAULT_ACTIVE_DEADLINE_SECONDS,
  DEFAULT_KANIKO_EXECUTOR_IMAGE,
  DEFAULT_KANIKO_NAMESPACE,
  DEFAULT_POD_RUNNING_TIMEOUT,
  KANIKO_CONFIG_ALIASES,
} from "./kaniko-image-builder-config.js";
export {
  createKanikoStackValidator,
  LOCAL_ARTIFACT_STORE_MESSAGE,
  LOCAL_REGISTRY_MESSAGE,
} from "./kaniko-stack-validator.js";
export { ATTACH_HIGH_WATER, ATTACH_LOW_WATER, AttachError } from "./kube/attach-stdin.js";
export { type ClientNode, loadClientNode } from "./kube/client-node.js";
export { KubeApiError } from "./kube/kube-api.js";
export { PodGoneError, PodWaitTimeoutError, WatchRefusedError } from "./kube/pod-watcher.js";
