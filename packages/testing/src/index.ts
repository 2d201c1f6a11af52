export { AttachChannel, attachProtocols, attachStatusPayload } from "./attach-session.js";
export { type BuildahBuildOptions, buildWithBuildah, isBuildahAvailable } from "./buildah-build.js";
export { type ContextLocation, openContextSource, parseContextLocation } from "./context-source.js";
export { type ExtractSummary, extractTarGz } from "./extract-tar-gz.js";
export { type ImageDestination, isPlainHttpRegistry, parseImageDestination } from "./image-repository.js";
export { type KanikoArgs, parseKanikoArgs } from "./kaniko-args.js";
export type {
  ApiFault,
  ApiVerb,
  Executor,
  ExecutorContainer,
  ExecutorContext,
  ExecutorResult,
  FaultTarget,
  KubeletTimings,
  KubernetesDoubleFaults,
  KubernetesDoubleOptions,
  PodFault,
} from "./kubernetes-double-options.js";
export { kubernetesStatus, notFoundStatus, reasonForCode, StatusError } from "./kubernetes-status.js";
export type * from "./kubernetes-types.js";
export { buildContextImage, type OciImage, ociManifestType, pushOciImage } from "./oci-image.js";
export { renderKubeconfig } from "./render-kubeconfig.js";
export { createSimulatedKaniko, type SimulatedKanikoOptions, simulatedKaniko } from "./simulated-kaniko.js";
export { type KubernetesDouble, startKubernetesDouble } from "./start-kubernetes-double.js";
