export { type BuildahBuildOptions, buildWithBuildah, isBuildahAvailable } from "./buildah-build.js";
export { type ContextLocation, openContextSource, parseContextLocation } from "./context-source.js";
export { type ExtractSummary, extractTarGz } from "./extract-tar-gz.js";
export { type ImageDestination, isPlainHttpRegistry, parseImageDestination } from "./image-destination.js";
export { type KanikoArgs, parseKanikoArgs } from "./kaniko-args.js";
export { buildContextImage, OCI_MANIFEST_TYPE, type OciImage, pushOciImage } from "./oci-image.js";
export { createSimulatedKaniko, type SimulatedKanikoOptions, simulatedKaniko } from "./simulated-kaniko.js";
export { KANIKO_NAMESPACE, startKanikoDouble } from "./start-kaniko-double.js";
