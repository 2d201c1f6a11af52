import { defineContainerRegistryFlavor } from "../define-container-registry-flavor.js";
import { defaultContainerRegistryConfigSchema } from "./default-container-registry-config.js";

export const DefaultContainerRegistryFlavor = defineContainerRegistryFlavor({
  name: "default",
  displayName: "Default",
  configSchema: defaultContainerRegistryConfigSchema,
});
