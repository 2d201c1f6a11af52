export { KanikoBuildError, type KanikoBuildErrorDetails } from "./kaniko-build-error.js";
export { KanikoImageBuilder, type KanikoImageBuilderOptions, type SweepOptions } from "./kaniko-image-builder.js";
export {
  type KanikoImageBuilderConfig,
  type KanikoImageBuilderConfigInput,
  kanikoImageBuilderConfigSchema,
} from "./kaniko-image-builder-config.js";
export { KanikoImageBuilderFlavor } from "./kaniko-image-builder-flavor.js";
export { KanikoIntegration } from "./kaniko-integration.js";
// The types the builder's constructor options name.
export type { KubeConfigSource } from "./kube/kube-config.js";
export type { KubeConfigLike } from "./kube/lean-kube-config.js";
