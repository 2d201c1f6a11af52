import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "@flavorstack/core/plugin";
import type { KubeConfigLike } from "./lean-kube-config.js";
import { SERVICE_ACCOUNT_DIR } from "./service-account.js";
import { TOKEN_FILE_PROVIDER } from "./token-file.js";

/**
 * A kubeconfig handed to the builder: client-node's `KubeConfig` (or anything
 * shaped like it), or a function (DI) that makes one.
 */
export type KubeConfigSource = KubeConfigLike | (() => KubeConfigLike | Promise<KubeConfigLike>);

const SERVICE_ACCOUNT_TOKEN = path.join(SERVICE_ACCOUNT_DIR, "token");

export interface LoadKubeConfigOptions {
  /** A kubeconfig object or factory; default: `KUBECONFIG`, `~/.kube/config`, then in-cluster. */
  source?: KubeConfigSource | undefined;
  /** A kubeconfig file to read instead of the default places. */
  kubeconfigPath?: string | undefined;
  /** The context to use; it must exist. */
  context: string;
}

/**
 * The kubeconfig with `context` as its current context, leaving the one
 * given untouched. An unknown context is a `ConfigError` listing the known ones.
 */
export async function loadKubeConfig(options: LoadKubeConfigOptions): Promise<KubeConfigLike> {
  // Imported here: it loads parts of client-node, which creating a builder must not.
  const { LeanKubeConfig } = await import("./lean-kube-config.js");
  let loaded: KubeConfigLike;
  let where: string;
  if (options.source !== undefined) {
    loaded = typeof options.source === "function" ? await options.source() : options.source;
    where = "the kubeconfig given to the kaniko image builder";
  } else {
    const files = options.kubeconfigPath !== undefined ? [options.kubeconfigPath] : defaultFiles();
    where = options.kubeconfigPath ?? defaultLocation(files);
    if (files.length === 0 && !existsSync(SERVICE_ACCOUNT_TOKEN)) {
      throw new ConfigError(
        `No kubeconfig found for the kaniko image builder: KUBECONFIG is unset, ${path.join(os.homedir(), ".kube", "config")} does not exist and this is not a pod with a service account. Set KUBECONFIG or create the file (e.g. with your cloud's 'get-credentials' command).`,
      );
    }
    try {
      loaded = files.length > 0 ? LeanKubeConfig.fromFiles(files) : LeanKubeConfig.inCluster();
    } catch (cause) {
      throw new ConfigError(
        `Cannot read the kubeconfig (${where}): ${(cause as Error).message}. Fix the file or point KUBECONFIG at a valid one.`,
        { cause },
      );
    }
  }
  const context = loaded.getContexts().find((entry) => entry.name === options.context);
  if (!context) {
    const names = loaded.getContexts().map((entry) => entry.name);
    const known = names.length > 0 ? `the available contexts are: ${names.join(", ")}` : "it has no contexts at all";
    throw new ConfigError(
      `Kubernetes context '${options.context}' is not in ${where}; ${known}. Set the kaniko image builder's 'kubernetesContext' to one of them (see \`kubectl config get-contexts\`).`,
    );
  }
  const cluster = loaded.getClusters().find((entry) => entry.name === context.cluster);
  if (!cluster) {
    throw new ConfigError(
      `Kubernetes context '${options.context}' in ${where} names a cluster that is not defined there. Fix the kubeconfig.`,
    );
  }
  return withCurrentContext(loaded, options.context, LeanKubeConfig);
}

function withCurrentContext(
  loaded: KubeConfigLike,
  context: string,
  LeanKubeConfig: typeof import("./lean-kube-config.js").LeanKubeConfig,
): KubeConfigLike {
  if (loaded instanceof LeanKubeConfig) return loaded.withCurrentContext(context);
  // The caller's own object keeps its own authentication (e.g. client-node's custom authenticators).
  if (loaded.getCurrentContext() === context) return loaded;
  const settable = loaded as KubeConfigLike & { setCurrentContext?: (name: string) => void };
  if (typeof settable.setCurrentContext !== "function") {
    throw new ConfigError(
      `The kubeconfig given to the kaniko image builder has current context '${loaded.getCurrentContext()}', not '${context}', and no setCurrentContext() to switch it: pass one whose current context is '${context}', or a client-node KubeConfig.`,
    );
  }
  // A view with its own current context: the caller's object stays as it is.
  const view = Object.create(settable) as typeof settable;
  view.setCurrentContext?.(context);
  return view;
}

/**
 * The files of `KUBECONFIG` that exist (kubectl skips the others; none
 * existing is an error), else `~/.kube/config` when it exists.
 */
function defaultFiles(): string[] {
  const env = process.env.KUBECONFIG;
  if (env) {
    const listed = env.split(path.delimiter).filter((file) => file.length > 0);
    const present = listed.filter((file) => existsSync(file));
    if (present.length === 0) {
      throw new ConfigError(
        `None of the files in KUBECONFIG (${env}) exists. Point KUBECONFIG at your kubeconfig, or unset it to use ${path.join(os.homedir(), ".kube", "config")}.`,
      );
    }
    return present;
  }
  const home = path.join(os.homedir(), ".kube", "config");
  return existsSync(home) ? [home] : [];
}

function defaultLocation(files: string[]): string {
  if (process.env.KUBECONFIG) return `KUBECONFIG (${process.env.KUBECONFIG})`;
  return files[0] ?? "the in-cluster service account (context 'inClusterContext')";
}

/**
 * Secret values of the current user, to keep out of messages: token,
 * password, client key (as written and decoded), auth-provider settings (id/refresh/access tokens, client secret),
 * and the password of the cluster's `proxy-url`.
 * Tokens an exec plugin or token file yields are not in the kubeconfig: the
 * API client adds what it sends (see `createKubeApi`'s `onCredential`).
 */
export function kubeConfigSecrets(config: KubeConfigLike): string[] {
  const user = config.getCurrentUser();
  // A token file's settings are its path, no secret (its token is reported as sent).
  const provider = user?.authProvider?.name === TOKEN_FILE_PROVIDER ? {} : user?.authProvider?.config;
  const providerValues = Object.entries((provider ?? {}) as Record<string, unknown>)
    .filter(([key]) => /token|secret|password/i.test(key))
    .map(([, value]) => value);
  const clientKey = user?.keyData ? [user.keyData, Buffer.from(user.keyData, "base64").toString()] : [];
  const proxyUrl = config.getCurrentCluster()?.proxyUrl;
  const proxyPassword = proxyUrl ? decodeURIComponent(URL.parse(proxyUrl)?.password ?? "") : "";
  return [user?.token, user?.password, ...clientKey, ...providerValues, proxyPassword].filter(
    (value): value is string => typeof value === "string" && value.length > 0,
  );
}
