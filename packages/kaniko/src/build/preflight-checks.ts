import type { ImageReference, Logger } from "@flavorstack/core/plugin";
import type { KanikoImageBuilderConfig } from "../kaniko-image-builder-config.js";
import { type KubeApi, namespacedPath } from "../kube/kube-api.js";
import { checkDockerConfigSecret } from "./docker-config-secret.js";
import { type BuildSite, explainNamespaceCheck } from "./explain-failure.js";
import { referencedSecretValues } from "./referenced-secret-values.js";

export interface PreflightInput {
  api: KubeApi;
  site: BuildSite;
  config: KanikoImageBuilderConfig;
  destination: ImageReference;
  /** The cluster's server URL, for messages. */
  server: string | undefined;
  logger: Logger;
  signal: AbortSignal;
}

/**
 * What is checked before a pod is made: the namespace exists (a 403 on reading it is fine), and `dockerConfigSecret`
 * is there and usable. Resolves to the secret values found on the way (the Secrets the pod's env names, the docker
 * config's credentials), which the caller must redact.
 */
export async function preflightChecks(input: PreflightInput): Promise<string[]> {
  const { api, site, config, signal } = input;
  try {
    // The build's signal ends this first call too: its credential may come from an exec plugin waiting for a login.
    await api.request("GET", namespacedPath(site.namespace), { signal });
  } catch (error) {
    const problem = explainNamespaceCheck(error, site, input.server);
    if (problem) throw problem;
  }
  const fromSecrets = await referencedSecretValues({
    api,
    namespace: site.namespace,
    config,
    logger: input.logger,
    signal,
  });
  const dockerConfig = await checkDockerConfigSecret({
    api,
    site,
    name: config.dockerConfigSecret,
    destination: input.destination,
    signal,
  });
  return [...fromSecrets, ...dockerConfig];
}
