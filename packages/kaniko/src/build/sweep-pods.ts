import { BuildError, ConfigError, type Logger } from "@flavorstack/core/plugin";
import type { V1Pod, V1PodList } from "@kubernetes/client-node";
import type { KanikoImageBuilderConfig } from "../kaniko-image-builder-config.js";
import { describeApiError } from "../kube/api-error.js";
import { createKubeApi, namespacedPath } from "../kube/kube-api.js";
import type { KubeConfigLike } from "../kube/lean-kube-config.js";
import { deletePod } from "./delete-pod.js";
import { KANIKO_POD_SELECTOR } from "./kaniko-pod-spec.js";

export interface SweepPodsInput {
  /** Only pods created at least this many seconds ago are deleted. */
  olderThanSeconds: number;
  config: KanikoImageBuilderConfig;
  loadKubeConfig(): Promise<KubeConfigLike>;
  logger: Logger;
}

/**
 * Deletes the leftover build pods (ours by label) in the builder's namespace
 * that were created at least `olderThanSeconds` ago; returns the names deleted.
 */
export async function sweepPods({
  olderThanSeconds,
  config,
  loadKubeConfig,
  logger,
}: SweepPodsInput): Promise<string[]> {
  if (!Number.isFinite(olderThanSeconds) || olderThanSeconds < 0) {
    throw new ConfigError(
      `sweep({ olderThanSeconds }) needs a number of seconds ≥ 0, got ${String(olderThanSeconds)}. Note that pods younger than a running build's activeDeadlineSeconds (${config.activeDeadlineSeconds} s) may still be building.`,
    );
  }
  const api = createKubeApi(await loadKubeConfig());
  const namespace = config.kubernetesNamespace;
  let pods: V1Pod[];
  try {
    pods = (
      await api.request<V1PodList>("GET", namespacedPath(namespace, "pods"), {
        query: { labelSelector: KANIKO_POD_SELECTOR },
      })
    ).items;
  } catch (error) {
    throw new BuildError(
      `Listing the kaniko build pods in namespace '${namespace}' failed: ${describeApiError(error)}.`,
      { cause: error },
    );
  }
  const cutoff = Date.now() - olderThanSeconds * 1000;
  const old = pods.filter((pod) => {
    const created = pod.metadata?.creationTimestamp;
    return created !== undefined && new Date(created).getTime() <= cutoff && pod.metadata?.name;
  });
  const deleted: string[] = [];
  for (const pod of old) {
    const name = pod.metadata?.name as string;
    if (await deletePod({ api, context: config.kubernetesContext, namespace, name, logger })) deleted.push(name);
  }
  if (deleted.length > 0) logger.info(`Deleted ${deleted.length} leftover kaniko build pod(s) in '${namespace}'.`);
  return deleted;
}
