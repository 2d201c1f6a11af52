import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "@flavorstack/core";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ClientNode } from "./client-node.js";

/** A kubeconfig handed to the builder: the object, or a function (DI) that makes one. */
export type KubeConfigSource = KubeConfig | (() => KubeConfig | Promise<KubeConfig>);

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export interface LoadKubeConfigOptions {
  /** A kubeconfig object or factory; default: `KUBECONFIG`, `~/.kube/config`, then in-cluster. */
  source?: KubeConfigSource | undefined;
  /** A kubeconfig file to read instead of the default places. */
  kubeconfigPath?: string | undefined;
  /** The context to use; it must exist. */
  context: string;
}

/**
 * A private copy of the kubeconfig with `context` as its current context. An
 * unknown context is a `ConfigError` listing the known ones.
 */
export async function loadKubeConfig(k8s: ClientNode, options: LoadKubeConfigOptions): Promise<KubeConfig> {
  let loaded: KubeConfig;
  let where: string;
  if (options.source !== undefined) {
    loaded = typeof options.source === "function" ? await options.source() : options.source;
    where = "the kubeconfig given to the kaniko image builder";
  } else if (options.kubeconfigPath !== undefined) {
    loaded = new k8s.KubeConfig();
    loadFile(loaded, options.kubeconfigPath);
    where = options.kubeconfigPath;
  } else {
    where = defaultLocation();
    if (where === "") {
      throw new ConfigError(
        `No kubeconfig found for the kaniko image builder: KUBECONFIG is unset, ${path.join(os.homedir(), ".kube", "config")} does not exist and this is not a pod with a service account. Set KUBECONFIG or create the file (e.g. with your cloud's 'get-credentials' command).`,
      );
    }
    loaded = new k8s.KubeConfig();
    try {
      loaded.loadFromDefault();
    } catch (cause) {
      throw new ConfigError(
        `Cannot read the kubeconfig (${where}): ${(cause as Error).message}. Fix the file or point KUBECONFIG at a valid one.`,
        {
          cause,
        },
      );
    }
  }
  const names = loaded.getContexts().map((context) => context.name);
  if (!names.includes(options.context)) {
    const known = names.length > 0 ? `the available contexts are: ${names.join(", ")}` : "it has no contexts at all";
    throw new ConfigError(
      `Kubernetes context '${options.context}' is not in ${where}; ${known}. Set the kaniko image builder's 'kubernetesContext' to one of them (see \`kubectl config get-contexts\`).`,
    );
  }
  const copy = new k8s.KubeConfig();
  copy.loadFromOptions({
    clusters: loaded.getClusters(),
    users: loaded.getUsers(),
    contexts: loaded.getContexts(),
    currentContext: options.context,
  });
  if (!copy.getCurrentCluster()) {
    throw new ConfigError(
      `Kubernetes context '${options.context}' in ${where} names a cluster that is not defined there. Fix the kubeconfig.`,
    );
  }
  return copy;
}

function loadFile(config: KubeConfig, file: string): void {
  try {
    config.loadFromFile(file);
  } catch (cause) {
    throw new ConfigError(`Cannot read the kubeconfig ${file}: ${(cause as Error).message}.`, { cause });
  }
}

/** Where `loadFromDefault` will read, in its order; empty when nowhere. */
function defaultLocation(): string {
  const env = process.env.KUBECONFIG;
  if (env && env.length > 0) return `KUBECONFIG (${env})`;
  const home = path.join(os.homedir(), ".kube", "config");
  if (existsSync(home)) return home;
  if (existsSync(SERVICE_ACCOUNT_TOKEN)) return "the in-cluster service account (context 'inClusterContext')";
  return "";
}

/** Secret values of the current user (token, password), to keep out of messages. */
export function kubeConfigSecrets(config: KubeConfig): string[] {
  const user = config.getCurrentUser();
  return [user?.token, user?.password].filter((value): value is string => typeof value === "string");
}
