// @flavorstack/core, for pipeline code: compose and validate stacks from flavors, build images.
// Integration authors (new flavors, stores, image builders) import "@flavorstack/core/plugin".

export type { ArtifactStore } from "./artifact-stores/artifact-store.js";
export type {
  ArtifactStoreOpenMode,
  ArtifactStoreOverwriteOptions,
  ArtifactStoreStat,
  ArtifactStoreWalkEntry,
  ArtifactStoreWalkOptions,
} from "./artifact-stores/artifact-store-types.js";
// The built-in components' classes as types only: their modules load with the flavor's implementation().
export type { LocalArtifactStore } from "./artifact-stores/local/local-artifact-store.js";
export type { LocalArtifactStoreConfig } from "./artifact-stores/local/local-artifact-store-config.js";
export { LocalArtifactStoreFlavor } from "./artifact-stores/local/local-artifact-store-flavor.js";
export type { ArchiveOptions, ArchiveResult, BuildContextOptions } from "./build-context/build-context.js";
export { BuildContext, DEFAULT_COMPRESSION_LEVEL } from "./build-context/build-context.js";
export type { ContextDigest } from "./build-context/context-digest.js";
export { RELEASES_CHUNKS } from "./build-context/releases-chunks.js";
export { AwsContainerRegistryFlavor } from "./container-registries/aws/aws-container-registry-flavor.js";
export { AzureContainerRegistryFlavor } from "./container-registries/azure/azure-container-registry-flavor.js";
export type { ContainerRegistry } from "./container-registries/container-registry.js";
export type { ContainerRegistryConfig } from "./container-registries/container-registry-config.js";
export { CONTAINER_REGISTRY_FLAVORS } from "./container-registries/container-registry-flavors.js";
export { DefaultContainerRegistryFlavor } from "./container-registries/default/default-container-registry-flavor.js";
export { DockerHubContainerRegistryFlavor } from "./container-registries/dockerhub/dockerhub-container-registry-flavor.js";
export { GcpContainerRegistryFlavor } from "./container-registries/gcp/gcp-container-registry-flavor.js";
export { GitHubContainerRegistryFlavor } from "./container-registries/github/github-container-registry-flavor.js";
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
export type {
  BuildOptions,
  BuildProgress,
  ImageBuilder,
  UploadBuildContextOptions,
  UploadedBuildContext,
} from "./image-builders/image-builder.js";
export { formatImageReference, ImageReference, type ImageReferenceParts } from "./image-builders/image-reference.js";
export type { LocalImageBuilder } from "./image-builders/local/local-image-builder.js";
export type { LocalImageBuilderConfig } from "./image-builders/local/local-image-builder-config.js";
export { LocalImageBuilderFlavor } from "./image-builders/local/local-image-builder-flavor.js";
export { consoleLogger, type Logger, silentLogger } from "./logger.js";
export { BUILTIN_FLAVORS, BuiltinIntegration } from "./registry/builtin-integration.js";
export {
  createFlavorstackContainer,
  createToken,
  FlavorRegistryToken,
  type FlavorstackContainerOptions,
  IntegrationRegistryToken,
  LoggerToken,
  resolve,
  type Token,
} from "./registry/dependency-injection.js";
export { FlavorRegistry } from "./registry/flavor-registry.js";
export type { Integration } from "./registry/integration.js";
export {
  INTEGRATION_MANIFEST_FIELD,
  type IntegrationProblem,
  IntegrationRegistry,
} from "./registry/integration-registry.js";
export type { AnyFlavor, CreateComponentInput, Flavor } from "./stack/flavor.js";
export { createStack, SKIP_STACK_VALIDATION_ENV, Stack, type StackInit } from "./stack/stack.js";
export type { AnyStackComponent, StackComponentOf } from "./stack/stack-component.js";
export { isStackComponentType, STACK_COMPONENT_TYPES, type StackComponentType } from "./stack/stack-component-type.js";
