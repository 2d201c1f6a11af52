import { defineContainerRegistryFlavor } from "../define-container-registry-flavor.js";
import { dockerHubContainerRegistryConfigSchema } from "./dockerhub-container-registry-config.js";

export const DockerHubContainerRegistryFlavor = defineContainerRegistryFlavor({
  name: "dockerhub",
  displayName: "DockerHub",
  docsUrl: "https://docs.docker.com/docker-hub/",
  configSchema: dockerHubContainerRegistryConfigSchema,
});
