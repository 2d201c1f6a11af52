import type { Logger } from "@flavorstack/core/plugin";
import { apiErrorInfo } from "../kube/api-error.js";
import { type KubeApi, namespacedPath } from "../kube/kube-api.js";
import { explainFailedDelete } from "./explain-failure.js";

const DELETE_ATTEMPTS = 3;
/** Per DELETE attempt: three of them and the pauses stay under process-signals' 20 s cleanup budget. */
const DELETE_TIMEOUT_MS = 5000;

export interface DeletePodOptions {
  api: KubeApi;
  /** The kubeconfig context, for the `kubectl` command a failure suggests. */
  context: string;
  namespace: string;
  name: string;
  logger: Logger;
  redact?: (text: string) => string;
}

/**
 * Deletes the pod with a fresh request (never the build's aborted signal),
 * grace period 0, retrying transient failures; 404 counts as done. All
 * attempts fit in the time a process signal leaves for cleanup. A pod that
 * stays is reported as a warning with the command that deletes it.
 */
export async function deletePod(options: DeletePodOptions): Promise<boolean> {
  const { api, context, namespace, name, logger } = options;
  let lastError: unknown;
  for (let attempt = 1; attempt <= DELETE_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 250 * (attempt - 1)));
    try {
      await api.request("DELETE", namespacedPath(namespace, "pods", name), {
        query: { gracePeriodSeconds: 0 },
        timeoutMs: DELETE_TIMEOUT_MS,
      });
      logger.debug(`Deleted the kaniko build pod ${namespace}/${name}.`);
      return true;
    } catch (error) {
      const { code } = apiErrorInfo(error);
      if (code === 404) return true;
      lastError = error;
      if (code !== undefined && code < 500 && code !== 429) break;
    }
  }
  const warning = explainFailedDelete(lastError, { context, namespace, pod: `${namespace}/${name}` }, name);
  logger.warn(options.redact ? options.redact(warning) : warning);
  return false;
}
