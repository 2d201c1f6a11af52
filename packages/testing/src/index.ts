export { ATTACH_CHANNEL, ATTACH_PROTOCOLS, attachStatusPayload } from "./kubernetes/attach/attach-session.js";
export type {
  ApiFault,
  ApiVerb,
  AutoscalerEvent,
  FaultTarget,
  KubernetesDoubleFaults,
  PodFault,
} from "./kubernetes/faults/kubernetes-double-faults.js";
export type { Executor, ExecutorContainer, ExecutorContext, ExecutorResult } from "./kubernetes/kubelet/executor.js";
export {
  createGenericContainer,
  GENERIC_CONTAINER_RUN_MS,
  type GenericContainerOptions,
  genericContainer,
} from "./kubernetes/kubelet/generic-container.js";
export type {
  KubeletTimings,
  KubernetesDoubleOptions,
  WatchBehaviour,
} from "./kubernetes/kubernetes-double-options.js";
export { kubernetesStatus, notFoundStatus, reasonForCode, StatusError } from "./kubernetes/kubernetes-status.js";
export type * from "./kubernetes/kubernetes-types.js";
export { renderKubeconfig } from "./kubernetes/render-kubeconfig.js";
export {
  CLUSTER_NAMESPACES,
  type KubernetesDouble,
  startKubernetesDouble,
} from "./kubernetes/start-kubernetes-double.js";
