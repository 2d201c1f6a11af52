import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { AwsContainerRegistryFlavor } from "./aws/aws-container-registry-flavor.js";
import { AzureContainerRegistryFlavor } from "./azure/azure-container-registry-flavor.js";
import type { ContainerRegistry } from "./container-registry.js";
import { DefaultContainerRegistryFlavor } from "./default/default-container-registry-flavor.js";
import { DockerHubContainerRegistryFlavor } from "./dockerhub/dockerhub-container-registry-flavor.js";
import { GcpContainerRegistryFlavor } from "./gcp/gcp-container-registry-flavor.js";
import { GitHubContainerRegistryFlavor } from "./github/github-container-registry-flavor.js";
import { isLocalRegistryHost, parseRegistryUri } from "./registry-location.js";

async function registry(uri: string) {
  return (await DefaultContainerRegistryFlavor.createComponent({ name: "r", config: { uri } })) as ContainerRegistry;
}

describe("ContainerRegistry", () => {
  it.each([
    ["localhost:5000", true],
    ["localhost", true],
    ["LOCALHOST:5000", true],
    ["127.0.0.1:5000", true],
    ["127.1.2.3", true],
    ["[::1]:5000", true],
    ["registry.localhost:80/team", true],
    ["ghcr.io/acme", false],
    ["10.0.0.1:5000", false],
    ["localhost.example.com", false],
    ["128.0.0.1:5000", false],
  ])("isLocal(%s) is %s", async (uri, local) => {
    expect((await registry(uri)).isLocal).toBe(local);
    expect(isLocalRegistryHost(parseRegistryUri(uri)?.domain ?? "")).toBe(local);
  });

  it("strips a trailing slash", async () => {
    expect((await registry("ghcr.io/acme/")).uri).toBe("ghcr.io/acme");
  });

  it.each(["https://ghcr.io/acme", "ghcr.io/Acme", "", "ghcr.io//x", "ghcr.io/a:tag"])(
    "refuses uri %j",
    async (uri) => {
      await expect(registry(uri)).rejects.toThrowError(ConfigError);
      await expect(registry(uri)).rejects.toThrowError(/- uri: /);
    },
  );

  it("decides membership by repository components, not string prefixes", async () => {
    const acme = await registry("repo.example.com/acme");
    expect(acme.contains("repo.example.com/acme/app:1")).toBe(true);
    expect(acme.contains("repo.example.com/acme2/app:1")).toBe(false);
    expect(acme.contains("repo.example.com/acme")).toBe(false);
    expect(acme.contains("other.example.com/acme/app")).toBe(false);
    const hub = await registry("docker.io/acme");
    expect(hub.contains("acme/app")).toBe(true);
    expect(hub.contains("index.docker.io/acme/app:1")).toBe(true);
    expect(() => hub.assertContains("ghcr.io/acme/app")).toThrowError(
      "The image 'ghcr.io/acme/app' is not in container registry 'r' (docker.io/acme): name the image 'docker.io/acme/<repository>[:tag]'.",
    );
    expect((await registry("127.0.0.1:5000")).contains("127.0.0.1:5000/a/b:c")).toBe(true);
  });
});

describe("container registry flavors", () => {
  it.each([
    [
      DockerHubContainerRegistryFlavor,
      ["docker.io/acme", "acme", "index.docker.io/acme"],
      ["ghcr.io/acme", "docker.io"],
    ],
    [GitHubContainerRegistryFlavor, ["ghcr.io/acme"], ["ghcr.io", "docker.io/acme"]],
    [
      GcpContainerRegistryFlavor,
      ["gcr.io/my-project", "eu.gcr.io/p", "europe-west1-docker.pkg.dev/proj/repo"],
      ["gcr.io", "europe-west1-docker.pkg.dev/proj", "ghcr.io/acme"],
    ],
    [
      AwsContainerRegistryFlavor,
      ["715803424592.dkr.ecr.us-east-1.amazonaws.com"],
      ["715803424592.dkr.ecr.us-east-1.amazonaws.com/app", "ecr.aws/x", "1234.dkr.ecr.us-east-1.amazonaws.com"],
    ],
    [
      AzureContainerRegistryFlavor,
      ["myregistry.azurecr.io", "myregistry.azurecr.io/team"],
      ["azurecr.io", "ghcr.io/a"],
    ],
  ])("%s accepts its URIs and refuses others", (flavor, good, bad) => {
    for (const uri of good) expect(flavor.parseConfig({ uri }).uri).toBe(uri);
    for (const uri of bad) {
      expect(() => flavor.parseConfig({ uri }), uri).toThrowError(
        new RegExp(`Invalid configuration for container_registry flavor '${flavor.name}'`),
      );
    }
  });
});
