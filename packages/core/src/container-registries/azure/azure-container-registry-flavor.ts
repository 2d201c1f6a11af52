import { defineContainerRegistryFlavor } from "../define-container-registry-flavor.js";
import { azureContainerRegistryConfigSchema } from "./azure-container-registry-config.js";

export const AzureContainerRegistryFlavor = defineContainerRegistryFlavor({
  name: "azure",
  displayName: "Azure Container Registry",
  docsUrl: "https://learn.microsoft.com/en-us/azure/container-registry/",
  configSchema: azureContainerRegistryConfigSchema,
});
