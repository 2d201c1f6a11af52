import { containerRegistryConfigSchemaWith } from "../container-registry-config.js";

export const gitHubContainerRegistryConfigSchema = containerRegistryConfigSchemaWith({
  test: (domain, namespace) => domain === "ghcr.io" && namespace !== "",
  message: "a GitHub container registry URI is 'ghcr.io/<owner>'",
});
