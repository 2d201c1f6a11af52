import { LocalArtifactStoreFlavor } from "../artifact-stores/local/local-artifact-store-flavor.js";
import { CONTAINER_REGISTRY_FLAVORS } from "../container-registries/container-registry-flavors.js";
import { LocalImageBuilderFlavor } from "../image-builders/local/local-image-builder-flavor.js";
import type { AnyFlavor } from "../stack/flavor.js";
import { defineIntegration } from "./integration.js";

/** Core's own flavors, registered in every flavorstack container. */
export const BUILTIN_FLAVORS: readonly AnyFlavor[] = Object.freeze([
  LocalArtifactStoreFlavor,
  ...CONTAINER_REGISTRY_FLAVORS,
  LocalImageBuilderFlavor,
]);

export const BuiltinIntegration = defineIntegration({
  name: "built-in",
  flavors: () => BUILTIN_FLAVORS,
});
