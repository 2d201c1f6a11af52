import {
  type Executor,
  type KubernetesDouble,
  type KubernetesDoubleFaults,
  type KubernetesDoubleOptions,
  startKubernetesDouble,
} from "@flavorstack/testing";
import { createKubeApi, type KubeApi, namespacedPath } from "../kube/kube-api.js";
import { LeanKubeConfig } from "../kube/lean-kube-config.js";

export const TEST_NAMESPACE = "ns";
export const TEST_POD = "p";
export const TEST_CONTAINER = "kaniko";

/** An executor that logs `before`, runs until `release()` (or the pod's end), then logs `after` and exits 0. */
export function heldExecutor(before: string[] = [], after: string[] = []): { executor: Executor; release: () => void } {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const executor: Executor = async ({ log, signal }) => {
    for (const line of before) log(line);
    await Promise.race([released, new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))]);
    for (const line of after) log(line);
    return { exitCode: 0 };
  };
  return { executor, release };
}

/** A client of the double with the kubeconfig it serves (or that kubeconfig with its server replaced). */
export function doubleApi(cluster: KubernetesDouble, server = cluster.url): KubeApi {
  return createKubeApi(LeanKubeConfig.fromString(cluster.kubeconfig.replaceAll(cluster.url, server)));
}

/**
 * Starts the Kubernetes double with namespace `ns` and creates pod `p` (container `kaniko`) run by `executor`;
 * `options` are the double's other options (watch behaviour, timings).
 */
export async function startDoubleWithPod(
  executor: Executor,
  faults: KubernetesDoubleFaults = {},
  options: Omit<KubernetesDoubleOptions, "executor" | "faults" | "namespaces"> = {},
): Promise<{ cluster: KubernetesDouble; api: KubeApi }> {
  const cluster = await startKubernetesDouble({ ...options, namespaces: [TEST_NAMESPACE], executor, faults });
  const api = doubleApi(cluster);
  await api.request("POST", namespacedPath(TEST_NAMESPACE, "pods"), {
    body: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: TEST_POD },
      spec: { restartPolicy: "Never", containers: [{ name: TEST_CONTAINER, image: "busybox" }] },
    },
  });
  return { cluster, api };
}

/** Resolves once `condition` holds (checked every 10 ms); rejects naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
