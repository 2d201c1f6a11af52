import { containerRegistryFlavors } from "../container-registries/container-registry-flavors.js";
import type { AnyFlavor } from "../stack/flavor.js";
import { defineIntegration } from "./integration.js";
import { localArtifactStoreFlavor } from "../artifact-stores/local/local-artifact-store-flavor.js";
import { localImageBuilderFlavor } from "../image-builders/local/local-image-builder-flavor.js";

/** Core's own flavors, registered in every flavorstack container. */
export const builtinFlavors: readonly AnyFlavor[] = Object.freeze([
  localArtifactStoreFlavor,
  ...containerRegistryFlavors,
  localImageBuilderFlavor,
]);

export const builtinIntegration = defineIntegration({
  name: "built-in",
  flavors: () => builtinFlavors,
});
