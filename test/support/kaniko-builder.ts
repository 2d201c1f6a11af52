import { writeFile } from "node:fs/promises";
import path from "node:path";
import { silentLogger } from "@flavorstack/core";
import { KanikoImageBuilder, KanikoImageBuilderFlavor, type KanikoImageBuilderOptions } from "@flavorstack/kaniko";
import type { KubernetesDouble, KubernetesDoubleOptions } from "@flavorstack/testing";
import { startKanikoDouble } from "@flavorstack/testing/kaniko";

let started = 0;

/**
 * Starts a Kubernetes double running the simulated kaniko, and a kaniko image builder pointed at it through a
 * kubeconfig file written to `scratch`. The caller stops the double.
 */
export async function startKanikoBuilder(
  scratch: string,
  doubleOptions: KubernetesDoubleOptions = {},
  config: Record<string, unknown> = {},
  builderOptions: KanikoImageBuilderOptions = {},
): Promise<{ cluster: KubernetesDouble; builder: KanikoImageBuilder }> {
  const cluster = await startKanikoDouble(doubleOptions);
  started += 1;
  const kubeconfigPath = path.join(scratch, `kubeconfig-${started}-${Date.now()}`);
  await writeFile(kubeconfigPath, cluster.kubeconfig);
  // Options beyond the config (a kubeconfig path, a logger) go to the constructor: the one case where a
  // component is constructed directly (docs/conventions.md).
  const builder = new KanikoImageBuilder(
    {
      id: "kaniko-e2e",
      name: "cluster-builder",
      flavor: "kaniko",
      config: KanikoImageBuilderFlavor.parseConfig({ kubernetesContext: cluster.contextName, ...config }),
    },
    { kubeconfigPath, logger: silentLogger, ...builderOptions },
  );
  return { cluster, builder };
}
