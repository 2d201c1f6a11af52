import type { Logger } from "@flavorstack/core/plugin";
import type { KanikoImageBuilderConfig } from "../kaniko-image-builder-config.js";
import { apiErrorInfo, describeApiError } from "../kube/api-error.js";
import { type KubeApi, namespacedPath } from "../kube/kube-api.js";

const HTTP_NOT_FOUND = 404;

export interface ReferencedSecretValuesInput {
  api: KubeApi;
  namespace: string;
  config: Pick<KanikoImageBuilderConfig, "env" | "envFrom">;
  logger: Logger;
  signal: AbortSignal;
}

/**
 * The values of the Secrets the config's `env` (`valueFrom.secretKeyRef`) and `envFrom` (`secretRef`) name, read
 * from the namespace so that the executor's log and the build's errors never show them. A missing secret is left
 * to the pod to report (CreateContainerConfigError, or nothing when the reference is optional); a secret this user
 * may not read is a warning, since its values then cannot be hidden.
 */
export async function referencedSecretValues(input: ReferencedSecretValuesInput): Promise<string[]> {
  const values: string[] = [];
  for (const name of referencedSecretNames(input.config)) {
    try {
      const secret = await input.api.request<{ data?: Record<string, string> }>(
        "GET",
        namespacedPath(input.namespace, "secrets", name),
        { signal: input.signal },
      );
      for (const encoded of Object.values(secret.data ?? {})) values.push(Buffer.from(encoded, "base64").toString());
    } catch (error) {
      input.signal.throwIfAborted();
      if (apiErrorInfo(error).code === HTTP_NOT_FOUND) continue;
      input.logger.warn(
        `Could not read the secret '${name}' in namespace '${input.namespace}' (${describeApiError(error)}), so its values cannot be hidden if the kaniko executor prints them. Allow this user to get secrets there (\`kubectl auth can-i get secrets -n ${input.namespace}\` says whether it may).`,
      );
    }
  }
  return values;
}

function referencedSecretNames(config: ReferencedSecretValuesInput["config"]): Set<string> {
  const names = new Set<string>();
  for (const variable of config.env) addName(names, (variable.valueFrom?.secretKeyRef as { name?: unknown })?.name);
  for (const source of config.envFrom) addName(names, (source.secretRef as { name?: unknown } | undefined)?.name);
  return names;
}

function addName(names: Set<string>, name: unknown): void {
  if (typeof name === "string" && name !== "") names.add(name);
}
