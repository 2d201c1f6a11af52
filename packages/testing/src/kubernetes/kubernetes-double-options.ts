import type { KubernetesDoubleFaults } from "./faults/kubernetes-double-faults.js";
import type { Executor } from "./kubelet/executor.js";

/** Delays of the simulated scheduler and kubelet, in milliseconds. */
export interface KubeletTimings {
  /** Created → scheduled (default 5). */
  scheduleMs?: number;
  /** Scheduled → image pulled (default 10). */
  pullMs?: number;
  /** Pulled → container running (default 5). */
  startMs?: number;
  /** `ErrImagePull` → `ImagePullBackOff` (default 50). */
  backOffMs?: number;
}

/** How watches behave (etcd compaction, bookmarks). */
export interface WatchBehaviour {
  /** Milliseconds between BOOKMARK events on watches that allow them (`allowWatchBookmarks=true`; default 60 000). */
  bookmarkIntervalMs?: number;
  /**
   * How a watch from a resourceVersion older than the last compaction is refused: `"event"` (default) answers 200
   * and sends one ERROR event with a 410 `Expired` Status, as the watch cache does; `"status"` answers HTTP 410.
   */
  expiredAs?: "event" | "status";
  /** Compacts the change history every this many milliseconds (default: only when `compact()` is called). */
  compactEveryMs?: number;
}

export interface KubernetesDoubleOptions {
  /**
   * Namespaces to create besides those every cluster has (`default`, `kube-node-lease`, `kube-public`,
   * `kube-system`). A request for any other namespace gets a 404 `NotFound` Status, as on a real cluster.
   */
  namespaces?: string[];
  /**
   * Runs each pod's container. Default: `genericContainer`, a container that runs briefly and exits 0
   * without reading stdin, logging or writing a termination message.
   */
  executor?: Executor;
  /**
   * Attach subprotocols the server accepts, best first (default v5, v4, v3, v2, channel.k8s.io).
   * `["v4.channel.k8s.io"]` behaves like a cluster before Kubernetes 1.30.
   */
  attachProtocols?: string[];
  faults?: KubernetesDoubleFaults;
  /**
   * A directory for executors' state shared by every pod, passed to them as `stateDir` (default: a fresh
   * directory under `os.tmpdir()`, removed by `stop()`).
   */
  stateDir?: string;
  timings?: KubeletTimings;
  /** Compaction (410 Gone) and bookmarks of watches. */
  watch?: WatchBehaviour;
  /** Bytes of attach stdin buffered before the server stops reading the socket (default 64 KiB). */
  stdinHighWaterMark?: number;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Name of the kubeconfig context, cluster and user (default `flavorstack-double`). */
  contextName?: string;
  /**
   * Serves the API only through a forward proxy the double starts: `"http-connect"` (HTTP CONNECT) or `"socks5"`.
   * The kubeconfig then names the server `http://kubernetes-double.test:<port>`, a name only that proxy resolves, and
   * sets the cluster's `proxy-url`; `double.proxy.tunnels` lists every connection made through it.
   */
  proxy?: "http-connect" | "socks5";
}
