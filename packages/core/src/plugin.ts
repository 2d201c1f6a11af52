// @flavorstack/core/plugin, for integration authors: everything a third-party flavor, artifact
// store, container registry or image builder needs. Pipeline code imports "@flavorstack/core".

export { ArtifactStore } from "./artifact-stores/artifact-store.js";
export { isNotFoundError } from "./artifact-stores/artifact-store-errors.js";
export type {
  ArtifactStoreConfig,
  ArtifactStoreOpenMode,
  ArtifactStoreOptions,
  ArtifactStoreOverwriteOptions,
  ArtifactStoreStat,
  ArtifactStoreWalkEntry,
  ArtifactStoreWalkOptions,
} from "./artifact-stores/artifact-store-types.js";
export { globToRegExp } from "./artifact-stores/glob.js";
export { pathScheme, unsupportedSchemeMessage } from "./artifact-stores/store-paths.js";
export type { ArchiveOptions, ArchiveResult, BuildContext } from "./build-context/build-context.js";
export type { ContextDigest } from "./build-context/context-digest.js";
export { RELEASES_CHUNKS } from "./build-context/releases-chunks.js";
export { ContainerRegistry } from "./container-registries/container-registry.js";
export {
  type ContainerRegistryConfig,
  containerRegistryConfigSchema,
  containerRegistryConfigSchemaWith,
  containerRegistryUri,
  type RegistryUriRule,
} from "./container-registries/container-registry-config.js";
export {
  type ContainerRegistryFlavorDefinition,
  defineContainerRegistryFlavor,
} from "./container-registries/define-container-registry-flavor.js";
export {
  isLocalRegistryHost,
  parseRegistryUri,
  type RegistryLocation,
} from "./container-registries/registry-location.js";
export {
  ArtifactStoreError,
  BuildContextError,
  BuildError,
  ConfigError,
  FlavorstackError,
  ImageReferenceError,
  RegistryError,
  StackValidationError,
} from "./errors.js";
export {
  type BuildOptions,
  type BuildProgress,
  ImageBuilder,
  type UploadBuildContextOptions,
  type UploadedBuildContext,
} from "./image-builders/image-builder.js";
export { formatImageReference, ImageReference, type ImageReferenceParts } from "./image-builders/image-reference.js";
export { consoleLogger, type Logger, silentLogger } from "./logger.js";
export {
  defineIntegration,
  type FlavorRegistrar,
  type Integration,
  type IntegrationDefinition,
} from "./registry/integration.js";
export { INTEGRATION_MANIFEST_FIELD } from "./registry/integration-registry.js";
export { withConfigAliases } from "./stack/config-aliases.js";
export {
  type AnyFlavor,
  type ComponentFactory,
  type CreateComponentInput,
  defineFlavor,
  describeIssues,
  type Flavor,
  type FlavorDefinition,
} from "./stack/flavor.js";
export {
  type AnyStackComponent,
  StackComponent,
  type StackComponentInit,
  type StackComponentOf,
  type StackComponentsByType,
  type StackValidationResult,
  type StackValidator,
  type StackView,
} from "./stack/stack-component.js";
export { isStackComponentType, STACK_COMPONENT_TYPES, type StackComponentType } from "./stack/stack-component-type.js";
export { createStackValidator, type StackValidatorOptions } from "./stack/stack-validator.js";
