import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startConnectProxy } from "../servers/connect-proxy.js";
import { startSocks5Proxy } from "../servers/socks5-proxy.js";
import type { TunnelProxy } from "../servers/tunnel-proxy.js";
import { KubernetesApiServer } from "./api-server/kubernetes-api-server.js";
import { admitPlainObject } from "./api-server/namespaced-objects.js";
import { ATTACH_PROTOCOLS } from "./attach/attach-session.js";
import { FaultPlan } from "./faults/fault-plan.js";
import type { KubernetesDoubleFaults } from "./faults/kubernetes-double-faults.js";
import { genericContainer } from "./kubelet/generic-container.js";
import { SimulatedKubelet } from "./kubelet/simulated-kubelet.js";
import type { KubernetesDoubleOptions } from "./kubernetes-double-options.js";
import type { KubernetesEvent, Namespace, Pod, Secret, ServiceAccount } from "./kubernetes-types.js";
import { renderKubeconfig } from "./render-kubeconfig.js";
import { ClusterStore } from "./store/cluster-store.js";

/** The namespaces every cluster has from the start. */
export const CLUSTER_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"] as const;

const DEFAULT_CONTEXT_NAME = "flavorstack-double";
/** The API server's name behind `options.proxy`: only the double's proxy resolves it. */
const PROXIED_SERVER_NAME = "kubernetes-double.test";
const DEFAULT_STDIN_HIGH_WATER_MARK = 64 * 1024;
const DEFAULT_WAIT_TIMEOUT_MS = 10_000;
const DEFAULT_BOOKMARK_INTERVAL_MS = 60_000;
const WAIT_POLL_MS = 10;

/** A running Kubernetes API double. */
export interface KubernetesDouble {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** A kubeconfig (YAML) with one cluster, user and context for the double. */
  kubeconfig: string;
  /** The kubeconfig's context (and cluster and user) name. */
  contextName: string;
  /** The forward proxy the API is served through, with its tunnel log (only with `options.proxy`). */
  proxy: TunnelProxy | undefined;
  /** Current pods (deep copies), optionally of one namespace. */
  pods(namespace?: string): Pod[];
  /** Recorded events (deep copies), optionally of one namespace. */
  events(namespace?: string): KubernetesEvent[];
  /** A pod's log so far (`undefined` when the pod is unknown). */
  logs(namespace: string, name: string): string | undefined;
  /** Creates a namespace (no-op when it exists) with its `default` service account. */
  addNamespace(name: string): Namespace;
  /**
   * Creates a secret as `POST .../secrets` would, from plain-text values (stored base64-encoded as `data`); `type`
   * defaults to `Opaque`. Throws a {@link StatusError} when the namespace is missing or the secret exists.
   */
  createSecret(namespace: string, name: string, stringData: Record<string, string>, type?: string): Secret;
  /** Creates a service account (pods may name it in `serviceAccountName`); throws like {@link createSecret}. */
  createServiceAccount(namespace: string, name: string): ServiceAccount;
  /** Replaces the injected faults (pod faults apply to pods created from now on). */
  setFaults(faults: KubernetesDoubleFaults): void;
  /** Adds faults, keeping the others. */
  addFaults(faults: KubernetesDoubleFaults): void;
  /** Ends every open watch from the server side, as API servers do after their request timeout. */
  endWatches(): void;
  /**
   * Forgets the watch history up to now, as etcd's compaction does: a watch from an older resourceVersion gets
   * 410 `Expired` (see `options.watch.expiredAs`).
   */
  compact(): void;
  /** Ends every followed log stream cleanly while the containers run on (a kubelet or API server restart). */
  endLogStreams(): void;
  /** Resolves once `count` pods exist (all namespaces); rejects after `timeoutMs` (default 10 s). */
  waitForPodCount(count: number, timeoutMs?: number): Promise<Pod[]>;
  /** Resolves with the first pod matching `predicate`; rejects after `timeoutMs` (default 10 s). */
  waitForPod(predicate: (pod: Pod) => boolean, timeoutMs?: number): Promise<Pod>;
  /** Stops the server, closes every connection and kills every executor. */
  stop(): Promise<void>;
}

function inNamespace<T extends { metadata: { namespace?: string } }>(items: T[], namespace?: string): T[] {
  return namespace ? items.filter((item) => item.metadata.namespace === namespace) : items;
}

function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const found = probe();
      if (found !== undefined) resolve(found);
      else if (Date.now() - started > timeoutMs)
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      else setTimeout(tick, WAIT_POLL_MS);
    };
    tick();
  });
}

/**
 * Starts a wire-level Kubernetes API double on 127.0.0.1 that the unmodified `@kubernetes/client-node` talks to:
 * namespaces, pods (create/get/list/watch/delete, logs, attach over WebSocket v4/v5), events, secrets, service
 * accounts, a simulated scheduler + kubelet running each pod's container with `options.executor` (default: a
 * generic container that runs briefly and exits 0) with its env, envFrom and secret volumes resolved, and
 * injectable faults.
 */
export async function startKubernetesDouble(options: KubernetesDoubleOptions = {}): Promise<KubernetesDouble> {
  const store = new ClusterStore();
  for (const namespace of [...CLUSTER_NAMESPACES, ...(options.namespaces ?? [])]) store.addNamespace(namespace);
  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), "flavorstack-double-")));
  const faults = new FaultPlan(options.faults);
  const kubelet = new SimulatedKubelet({
    store,
    executor: options.executor ?? genericContainer,
    stateDir,
    stdinHighWaterMark: options.stdinHighWaterMark ?? DEFAULT_STDIN_HIGH_WATER_MARK,
    timings: {
      scheduleMs: options.timings?.scheduleMs ?? 5,
      pullMs: options.timings?.pullMs ?? 10,
      startMs: options.timings?.startMs ?? 5,
      backOffMs: options.timings?.backOffMs ?? 50,
    },
  });
  const api = new KubernetesApiServer({
    store,
    kubelet,
    faults,
    attachProtocols: options.attachProtocols ?? ATTACH_PROTOCOLS,
    bookmarkIntervalMs: options.watch?.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS,
    expiredAs: options.watch?.expiredAs ?? "event",
  });
  const compactEveryMs = options.watch?.compactEveryMs;
  const compaction = compactEveryMs ? setInterval(() => store.compact(), compactEveryMs) : undefined;
  const server = createServer((req, res) => api.handleRequest(req, res));
  server.on("upgrade", (req, socket, head) => api.handleUpgrade(req, socket, head));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(compaction);
    // e.g. the port is taken: the state directory made above must not be left behind
    if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const contextName = options.contextName ?? DEFAULT_CONTEXT_NAME;
  const startProxy = options.proxy === "socks5" ? startSocks5Proxy : startConnectProxy;
  const proxy = options.proxy
    ? await startProxy({ hosts: { [PROXIED_SERVER_NAME]: "127.0.0.1" } }).catch(async (error: unknown) => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
        throw error;
      })
    : undefined;
  const kubeconfig = proxy
    ? renderKubeconfig({ server: `http://${PROXIED_SERVER_NAME}:${port}`, name: contextName, proxyUrl: proxy.url })
    : renderKubeconfig({ server: url, name: contextName });

  let stopped: Promise<void> | undefined;
  return {
    url,
    kubeconfig,
    contextName,
    proxy,
    pods: (namespace) => inNamespace(store.list<Pod>("pods"), namespace),
    events: (namespace) => inNamespace(store.list<KubernetesEvent>("events"), namespace),
    logs: (namespace, name) =>
      kubelet
        .runtime(namespace, name)
        ?.logEntries.map((entry) => entry.text)
        .join(""),
    addNamespace: (name) => store.addNamespace(name),
    createSecret: (namespace, name, stringData, type) =>
      store.create<Secret>(
        "secrets",
        admitPlainObject(store, "secrets", { metadata: { name }, stringData, ...(type ? { type } : {}) }, namespace),
      ),
    createServiceAccount: (namespace, name) =>
      store.create<ServiceAccount>(
        "serviceaccounts",
        admitPlainObject(store, "serviceaccounts", { metadata: { name } }, namespace),
      ),
    setFaults: (next) => faults.set(next),
    addFaults: (next) => faults.add(next),
    endWatches: () => api.endWatches(),
    compact: () => store.compact(),
    endLogStreams: () => api.endLogStreams(),
    waitForPodCount: (count, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) =>
      waitFor(
        () => {
          const pods = store.list<Pod>("pods");
          return pods.length >= count ? pods : undefined;
        },
        timeoutMs,
        `${count} pods`,
      ),
    waitForPod: (predicate, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) =>
      waitFor(() => store.list<Pod>("pods").find(predicate), timeoutMs, "a matching pod"),
    stop: () => {
      stopped ??= (async () => {
        clearInterval(compaction);
        api.close();
        await kubelet.stop();
        await proxy?.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (ownStateDir) await rm(stateDir, { recursive: true, force: true }).catch(() => {});
      })();
      return stopped;
    },
  };
}
