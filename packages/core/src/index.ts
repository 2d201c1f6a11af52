export type { ArtifactStoreOpenMode, ArtifactStoreStat } from "./artifact-store.js";
export { ArtifactStore } from "./artifact-store.js";
export type { ArchiveOptions, ArchiveResult, BuildContextOptions } from "./build-context.js";
export { BuildContext, DEFAULT_COMPRESSION_LEVEL } from "./build-context.js";
export { builtinFlavors, builtinIntegration } from "./builtin-integration.js";
export {
  ContainerRegistry,
  type ContainerRegistryConfig,
  containerRegistryConfigSchema,
  containerRegistryUri,
  isLocalRegistryHost,
  parseRegistryUri,
  type RegistryLocation,
} from "./container-registry.js";
export {
  awsContainerRegistryFlavor,
  azureContainerRegistryFlavor,
  containerRegistryFlavors,
  defaultContainerRegistryFlavor,
  dockerHubContainerRegistryFlavor,
  gcpContainerRegistryFlavor,
  githubContainerRegistryFlavor,
} from "./container-registry-flavors.js";
export {
  createFlavorstackContainer,
  createToken,
  FlavorRegistryToken,
  type FlavorstackContainerOptions,
  IntegrationRegistryToken,
  LoggerToken,
  resolve,
  type Token,
} from "./dependency-injection.js";
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
} from "./flavor.js";
export { FlavorRegistry } from "./flavor-registry.js";
export {
  type BuildOptions,
  type BuildProgress,
  ImageBuilder,
  type UploadedBuildContext,
} from "./image-builder.js";
export { formatImageReference, ImageReference, type ImageReferenceParts } from "./image-reference.js";
export { defineIntegration, type Integration, type IntegrationDefinition } from "./integration.js";
export { INTEGRATION_MANIFEST_FIELD, IntegrationRegistry } from "./integration-registry.js";
export { LocalArtifactStore } from "./local-artifact-store.js";
export { localArtifactStoreFlavor } from "./local-artifact-store-flavor.js";
export { type ContainerEngineName, detectEngine } from "./local-image-builder/engine.js";
export { LocalImageBuilder } from "./local-image-builder/local-image-builder.js";
export {
  type LocalImageBuilderConfig,
  localImageBuilderConfigSchema,
} from "./local-image-builder/local-image-builder-config.js";
export { localImageBuilderFlavor } from "./local-image-builder/local-image-builder-flavor.js";
export { consoleLogger, type Logger, silentLogger } from "./logger.js";
export { createStack, SKIP_STACK_VALIDATION_ENV, Stack, type StackComponentOf, type StackInit } from "./stack.js";
export { type AnyStackComponent, StackComponent, type StackComponentInit } from "./stack-component.js";
export { isStackComponentType, STACK_COMPONENT_TYPES, type StackComponentType } from "./stack-component-type.js";
export {
  createStackValidator,
  type StackValidationResult,
  type StackValidator,
  type StackValidatorOptions,
} from "./stack-validator.js";
