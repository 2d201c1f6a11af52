import type { z } from "zod";
import { ContainerRegistry, containerRegistryConfigSchema, parseRegistryUri } from "./container-registry.js";
import { defineFlavor } from "../stack/flavor.js";

const createRegistry = async () => (init: ConstructorParameters<typeof ContainerRegistry>[0]) =>
  new ContainerRegistry(init);

function registryFlavor(options: {
  name: string;
  displayName: string;
  docsUrl?: string;
  uriRule?: { test: (domain: string, namespace: string) => boolean; message: string };
}) {
  const rule = options.uriRule;
  const configSchema: typeof containerRegistryConfigSchema = rule
    ? containerRegistryConfigSchema.superRefine((config, ctx) => {
        const location = parseRegistryUri(config.uri);
        if (location && !rule.test(location.domain, location.namespace)) {
          ctx.addIssue({ code: "custom", path: ["uri"], message: rule.message });
        }
      })
    : containerRegistryConfigSchema;
  return defineFlavor({
    name: options.name,
    type: "container_registry",
    displayName: options.displayName,
    ...(options.docsUrl ? { docsUrl: options.docsUrl } : {}),
    configSchema: configSchema as z.ZodType<z.output<typeof containerRegistryConfigSchema>>,
    implementation: createRegistry,
  });
}

export const defaultContainerRegistryFlavor = registryFlavor({ name: "default", displayName: "Default" });

export const dockerHubContainerRegistryFlavor = registryFlavor({
  name: "dockerhub",
  displayName: "DockerHub",
  docsUrl: "https://docs.docker.com/docker-hub/",
  uriRule: {
    test: (domain, namespace) => domain === "docker.io" && namespace !== "" && !namespace.startsWith("library"),
    message: "a DockerHub registry URI is 'docker.io/<account>' (or just '<account>')",
  },
});

export const githubContainerRegistryFlavor = registryFlavor({
  name: "github",
  displayName: "GitHub Container Registry",
  docsUrl:
    "https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry",
  uriRule: {
    test: (domain, namespace) => domain === "ghcr.io" && namespace !== "",
    message: "a GitHub container registry URI is 'ghcr.io/<owner>'",
  },
});

export const gcpContainerRegistryFlavor = registryFlavor({
  name: "gcp",
  displayName: "Google Artifact Registry",
  docsUrl: "https://cloud.google.com/artifact-registry/docs/docker",
  uriRule: {
    test: (domain, namespace) =>
      ((domain === "gcr.io" || domain.endsWith(".gcr.io")) && namespace !== "") ||
      (/^[a-z0-9-]+-docker\.pkg\.dev$/.test(domain) && namespace.split("/").length >= 2),
    message:
      "a GCP registry URI is '<location>-docker.pkg.dev/<project>/<repository>' (Artifact Registry) or 'gcr.io/<project>'",
  },
});

export const awsContainerRegistryFlavor = registryFlavor({
  name: "aws",
  displayName: "Amazon ECR",
  docsUrl: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html",
  uriRule: {
    test: (domain, namespace) =>
      namespace === "" && /^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/.test(domain),
    message:
      "an ECR registry URI is '<account-id>.dkr.ecr.<region>.amazonaws.com' with no '/' (repositories are named per image)",
  },
});

export const azureContainerRegistryFlavor = registryFlavor({
  name: "azure",
  displayName: "Azure Container Registry",
  docsUrl: "https://learn.microsoft.com/en-us/azure/container-registry/",
  uriRule: {
    test: (domain) => /^[a-z0-9]+\.azurecr\.(?:io|cn|us)$/.test(domain),
    message: "an Azure registry URI is '<registry-name>.azurecr.io'",
  },
});

export const containerRegistryFlavors = [
  defaultContainerRegistryFlavor,
  dockerHubContainerRegistryFlavor,
  githubContainerRegistryFlavor,
  gcpContainerRegistryFlavor,
  awsContainerRegistryFlavor,
  azureContainerRegistryFlavor,
] as const;
