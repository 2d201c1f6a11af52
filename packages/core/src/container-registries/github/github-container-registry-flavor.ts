import { defineContainerRegistryFlavor } from "../define-container-registry-flavor.js";
import { gitHubContainerRegistryConfigSchema } from "./github-container-registry-config.js";

export const GitHubContainerRegistryFlavor = defineContainerRegistryFlavor({
  name: "github",
  displayName: "GitHub Container Registry",
  docsUrl:
    "https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry",
  configSchema: gitHubContainerRegistryConfigSchema,
});
