import { containerRegistryConfigSchemaWith } from "../container-registry-config.js";

export const dockerHubContainerRegistryConfigSchema = containerRegistryConfigSchemaWith({
  test: (domain, namespace) => domain === "docker.io" && namespace !== "" && !namespace.startsWith("library"),
  message: "a DockerHub registry URI is 'docker.io/<account>' (or just '<account>')",
});
