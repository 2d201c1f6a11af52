import { containerRegistryConfigSchemaWith } from "../container-registry-config.js";

export const gcpContainerRegistryConfigSchema = containerRegistryConfigSchemaWith({
  test: (domain, namespace) =>
    ((domain === "gcr.io" || domain.endsWith(".gcr.io")) && namespace !== "") ||
    (/^[a-z0-9-]+-docker\.pkg\.dev$/.test(domain) && namespace.split("/").length >= 2),
  message:
    "a GCP registry URI is '<location>-docker.pkg.dev/<project>/<repository>' (Artifact Registry) or 'gcr.io/<project>'",
});
