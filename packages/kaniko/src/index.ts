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
export { KanikoBuildError, type KanikoBuildErrorDetails } from "./kaniko-build-error.js";
export {
  createKanikoImageBuilder,
  KANIKO_CONTEXT_DIR,
  KanikoImageBuilder,
  type KanikoImageBuilderOptions,
  kanikoImageBuilderFactory,
  type SweepOptions,
} from "./kaniko-image-builder.js";
export {
  DEFAULT_ACTIVE_DEADLINE_SECONDS,
  DEFAULT_KANIKO_EXECUTOR_IMAGE,
  DEFAULT_KANIKO_NAMESPACE,
  DEFAULT_POD_RUNNING_TIMEOUT,
  KANIKO_CONFIG_ALIASES,
  type KanikoImageBuilderConfig,
  type KanikoImageBuilderConfigInput,
  kanikoImageBuilderConfigSchema,
} from "./kaniko-image-builder-config.js";
export { KanikoImageBuilderFlavor } from "./kaniko-image-builder-flavor.js";
export { KanikoIntegration } from "./kaniko-integration.js";
export {
  createKanikoStackValidator,
  LOCAL_ARTIFACT_STORE_MESSAGE,
  LOCAL_REGISTRY_MESSAGE,
} from "./kaniko-stack-validator.js";
export { ATTACH_HIGH_WATER, ATTACH_LOW_WATER, AttachError } from "./kube/attach-stdin.js";
export { type ClientNode, loadClientNode } from "./kube/client-node.js";
export type { KubeConfigSource } from "./kube/kube-config.js";
