import type { KubernetesDoubleOptions } from "../kubernetes/kubernetes-double-options.js";
import { type KubernetesDouble, startKubernetesDouble } from "../kubernetes/start-kubernetes-double.js";
import { simulatedKaniko } from "./simulated-kaniko.js";

/** The namespace the kaniko image builder uses by default (ZenML's `zenml-kaniko`). */
export const KANIKO_NAMESPACE = "zenml-kaniko";

/**
 * Starts the Kubernetes API double set up for kaniko builds: pods run {@link simulatedKaniko} unless
 * `options.executor` says otherwise, and the `zenml-kaniko` namespace exists besides `options.namespaces`.
 */
export function startKanikoDouble(options: KubernetesDoubleOptions = {}): Promise<KubernetesDouble> {
  return startKubernetesDouble({
    ...options,
    executor: options.executor ?? simulatedKaniko,
    namespaces: [KANIKO_NAMESPACE, ...(options.namespaces ?? [])],
  });
}
