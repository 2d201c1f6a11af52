import { containerRegistryConfigSchemaWith } from "../container-registry-config.js";

export const awsContainerRegistryConfigSchema = containerRegistryConfigSchemaWith({
  test: (domain, namespace) =>
    namespace === "" && /^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/.test(domain),
  message:
    "an ECR registry URI is '<account-id>.dkr.ecr.<region>.amazonaws.com' with no '/' (repositories are named per image)",
});
