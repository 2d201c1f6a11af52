import { defineContainerRegistryFlavor } from "../define-container-registry-flavor.js";
import { gcpContainerRegistryConfigSchema } from "./gcp-container-registry-config.js";

export const GcpContainerRegistryFlavor = defineContainerRegistryFlavor({
  name: "gcp",
  displayName: "Google Artifact Registry",
  docsUrl: "https://cloud.google.com/artifact-registry/docs/docker",
  configSchema: gcpContainerRegistryConfigSchema,
});
