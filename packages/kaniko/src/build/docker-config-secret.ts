import { BuildError, ConfigError, type ImageReference } from "@flavorstack/core/plugin";
import type { V1Secret } from "@kubernetes/client-node";
import { apiErrorInfo, describeApiError } from "../kube/api-error.js";
import { type KubeApi, namespacedPath } from "../kube/kube-api.js";
import type { BuildSite } from "./explain-failure.js";
import { DOCKER_CONFIG_KEY } from "./kaniko-pod-spec.js";

const DOCKER_CONFIG_SECRET_TYPE = "kubernetes.io/dockerconfigjson";
const SECRET_READ_TIMEOUT_MS = 10_000;

export interface CheckDockerConfigSecretOptions {
  api: KubeApi;
  site: BuildSite;
  /** `dockerConfigSecret`; nothing to check when unset. */
  name: string | undefined;
  /** The image to push: its registry goes into the suggested `kubectl create secret docker-registry`. */
  destination: ImageReference;
  signal: AbortSignal;
}

/**
 * Checks `dockerConfigSecret` before the pod is made (a missing secret would leave the pod in ContainerCreating
 * with FailedMount events until podRunningTimeout): it must exist, be readable by the kubeconfig's user and be a
 * `kubernetes.io/dockerconfigjson` secret holding a JSON docker config. Never puts the secret's content in a message;
 * returns its credentials (`auth`, `password`, `identitytoken`, `registrytoken` of each registry) to redact.
 */
export async function checkDockerConfigSecret(options: CheckDockerConfigSecretOptions): Promise<string[]> {
  const { api, site, name, destination, signal } = options;
  if (name === undefined) return [];
  const create = createCommand(site, name, destination);
  let secret: V1Secret;
  try {
    secret = await api.request<V1Secret>("GET", namespacedPath(site.namespace, "secrets", name), {
      signal,
      timeoutMs: SECRET_READ_TIMEOUT_MS,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    const { code } = apiErrorInfo(error);
    if (code === 404) {
      throw new ConfigError(
        `The secret '${name}' (dockerConfigSecret) does not exist in namespace '${site.namespace}' of context '${site.context}'. Create it with \`${create}\`, or fix 'dockerConfigSecret'.`,
      );
    }
    if (code === 401 || code === 403) {
      throw new BuildError(
        `Cannot read the secret '${name}' (dockerConfigSecret) in namespace '${site.namespace}': ${describeApiError(error)}. The build checks it before making the pod, so the kubeconfig's user (context '${site.context}') needs get on that secret: \`kubectl --context ${site.context} -n ${site.namespace} create role flavorstack-docker-config-reader --verb=get --resource=secrets --resource-name=${name}\` and a rolebinding to it.`,
        { cause: error },
      );
    }
    throw new BuildError(
      `Reading the secret '${name}' (dockerConfigSecret) in namespace '${site.namespace}' failed: ${describeApiError(error)}. Check that the API server is reachable; retry the build.`,
      { cause: error },
    );
  }
  const type = secret.type ?? "Opaque";
  if (type !== DOCKER_CONFIG_SECRET_TYPE) {
    throw new ConfigError(
      `The secret '${name}' (dockerConfigSecret) in namespace '${site.namespace}' is of type '${type}', not '${DOCKER_CONFIG_SECRET_TYPE}'. Make one of that type with \`${create}\` (under another name, or after deleting this one), or fix 'dockerConfigSecret'.`,
    );
  }
  const auths = dockerConfigAuths(secret.data?.[DOCKER_CONFIG_KEY]);
  if (!auths) {
    throw new ConfigError(
      `The secret '${name}' (dockerConfigSecret) in namespace '${site.namespace}' has no valid '${DOCKER_CONFIG_KEY}' (a JSON object with 'auths'). Recreate it with \`${create}\`.`,
    );
  }
  return Object.values(auths).flatMap((entry) =>
    CREDENTIAL_KEYS.map((key) => (entry as Record<string, unknown> | null)?.[key]).filter(
      (value): value is string => typeof value === "string" && value !== "",
    ),
  );
}

/** The fields of a docker config's `auths` entry that hold credentials. */
const CREDENTIAL_KEYS = ["auth", "password", "identitytoken", "registrytoken"];

/** The `auths` of a base64 docker config, undefined when it is not one. */
function dockerConfigAuths(encoded: string | undefined): Record<string, unknown> | undefined {
  if (encoded === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
    const auths = (parsed as { auths?: unknown } | null)?.auths;
    return auths !== null && typeof auths === "object" && !Array.isArray(auths)
      ? (auths as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function createCommand(site: BuildSite, name: string, destination: ImageReference): string {
  const server = destination.registry ?? "https://index.docker.io/v1/";
  return `kubectl --context ${site.context} -n ${site.namespace} create secret docker-registry ${name} --docker-server=${server} --docker-username=<user> --docker-password=<password or token>`;
}
