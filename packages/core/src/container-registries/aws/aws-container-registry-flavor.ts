import { defineContainerRegistryFlavor } from "../define-container-registry-flavor.js";
import { awsContainerRegistryConfigSchema } from "./aws-container-registry-config.js";

export const AwsContainerRegistryFlavor = defineContainerRegistryFlavor({
  name: "aws",
  displayName: "Amazon ECR",
  docsUrl: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html",
  configSchema: awsContainerRegistryConfigSchema,
});
