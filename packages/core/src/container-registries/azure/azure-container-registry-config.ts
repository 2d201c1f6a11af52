import { containerRegistryConfigSchemaWith } from "../container-registry-config.js";

export const azureContainerRegistryConfigSchema = containerRegistryConfigSchemaWith({
  test: (domain) => /^[a-z0-9]+\.azurecr\.(?:io|cn|us)$/.test(domain),
  message: "an Azure registry URI is '<registry-name>.azurecr.io'",
});
