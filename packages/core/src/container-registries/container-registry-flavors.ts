import { AwsContainerRegistryFlavor } from "./aws/aws-container-registry-flavor.js";
import { AzureContainerRegistryFlavor } from "./azure/azure-container-registry-flavor.js";
import { DefaultContainerRegistryFlavor } from "./default/default-container-registry-flavor.js";
import { DockerHubContainerRegistryFlavor } from "./dockerhub/dockerhub-container-registry-flavor.js";
import { GcpContainerRegistryFlavor } from "./gcp/gcp-container-registry-flavor.js";
import { GitHubContainerRegistryFlavor } from "./github/github-container-registry-flavor.js";

/** Core's container registry flavors: `default` and one per registry service with its URI rules. */
export const CONTAINER_REGISTRY_FLAVORS = [
  DefaultContainerRegistryFlavor,
  DockerHubContainerRegistryFlavor,
  GitHubContainerRegistryFlavor,
  GcpContainerRegistryFlavor,
  AwsContainerRegistryFlavor,
  AzureContainerRegistryFlavor,
] as const;
