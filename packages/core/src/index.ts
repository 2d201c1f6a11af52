export type { ArtifactStoreOpenMode, ArtifactStoreStat } from "./artifact-stores/artifact-store.js";
export { ArtifactStore } from "./artifact-stores/artifact-store.js";
export type { ArchiveOptions, ArchiveResult, BuildContextOptions } from "./build-context/build-context.js";
export { BuildContext, DEFAULT_COMPRESSION_LEVEL } from "./build-context/build-context.js";
export { builtinFlavors, builtinIntegration } from "./registry/builtin-integration.js";
export {
  ContainerRegistry,
  type ContainerRegistryConfig,
  containerRegistryConfigSchema,
  containerRegistryUri,
  isLocalRegistryHost,
  parseRegistryUri,
  type RegistryLocation,
} from "./container-registries/container-registry.js";
export {
  awsContainerRegistryFlavor,
  azureContainerRegistryFlavor,
  containerRegistryFlavors,
  defaultContainerRegistryFlavor,
  dockerHubContainerRegistryFlavor,
  gcpContainerRegistryFlavor,
  githubContainerRegistryFlavor,
} from "./container-registries/container-registry-flavors.js";
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
  type AnyFlavor,
  type ComponentFactory,
  type CreateComponentInput,
  defineFlavor,
  describeIssues,
  type Flavor,
  type FlavorDefinition,
} from "./stack/flavor.js";
export { FlavorRegistry } from "./registry/flavor-registry.js";
export {
  type BuildOptions,
  type BuildProgress,
  ImageBuilder,
  type UploadedBuildContext,
} from "./image-builders/image-builder.js";
export { formatImageReference, ImageReference, type ImageReferenceParts } from "./image-builders/image-reference.js";
export { defineIntegration, type Integration, type IntegrationDefinition } from "./registry/integration.js";
export { INTEGRATION_MANIFEST_FIELD, IntegrationRegistry } from "./registry/integration-registry.js";
export { LocalArtifactStore } from "./artifact-stores/local/local-artifact-store.js";
export { localArtifactStoreFlavor } from "./artifact-stores/local/local-artifact-store-flavor.js";
export { type ContainerEngineName, detectEngine } from "./image-builders/local/engine.js";
export { LocalImageBuilder } from "./image-builders/local/local-image-builder.js";
export {
  type LocalImageBuilderConfig,
  localImageBuilderConfigSchema,
} from "./image-builders/local/local-image-builder-config.js";
export { localImageBuilderFlavor } from "./image-builders/local/local-image-builder-flavor.js";
export { consoleLogger, type Logger, silentLogger } from "./logger.js";
export { createStack, SKIP_STACK_VALIDATION_ENV, Stack, type StackComponentOf, type StackInit } from "./stack/stack.js";
export { type AnyStackComponent, StackComponent, type StackComponentInit } from "./stack/stack-component.js";
export { isStackComponentType, STACK_COMPONENT_TYPES, type StackComponentType } from "./stack/stack-component-type.js";
export {
  createStackValidator,
  type StackValidationResult,
  type StackValidator,
  type StackValidatorOptions,
} from "./stack/stack-validator.js";
