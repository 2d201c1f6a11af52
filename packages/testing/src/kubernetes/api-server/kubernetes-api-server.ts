import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { serveAttachSession } from "../attach/attach-session.js";
import type { FaultPlan } from "../faults/fault-plan.js";
import type { ApiVerb } from "../faults/kubernetes-double-faults.js";
import type { SimulatedKubelet } from "../kubelet/simulated-kubelet.js";
import { kubernetesStatus, notFoundStatus, StatusError } from "../kubernetes-status.js";
import type { Pod } from "../kubernetes-types.js";
import type { ClusterStore, StoredResource } from "../store/cluster-store.js";
import { readJson, sendJson, sendStatus, sendStatusOnSocket, statusOf } from "./http-responses.js";
import { createPlainObject, isPlainResource, servePlainObject } from "./namespaced-objects.js";
import { admitPod } from "./pod-admission.js";
import { acceptAttach, parseAttachPath } from "./pod-attach.js";
import { servePodLog } from "./pod-log.js";
import { alreadyExists, badRequest, methodNotAllowed, routeNotFound } from "./request-errors.js";
import { queryFlag, requestFilter } from "./request-filter.js";
import { serveWatch } from "./watch-stream.js";

const HEALTH_PATHS = new Set(["healthz", "readyz", "livez"]);
const SERVER_VERSION = { major: "1", minor: "30", gitVersion: "v1.30.0-flavorstack-double", platform: "linux/amd64" };
const LIST_KINDS: Record<StoredResource, string> = {
  pods: "PodList",
  events: "EventList",
  secrets: "SecretList",
  serviceaccounts: "ServiceAccountList",
};

export interface KubernetesApiServerOptions {
  store: ClusterStore;
  kubelet: SimulatedKubelet;
  faults: FaultPlan;
  attachProtocols: readonly string[];
}

/** The HTTP + WebSocket front of the double: routes Kubernetes API paths to the store and the kubelet. */
export class KubernetesApiServer {
  readonly #store: ClusterStore;
  readonly #kubelet: SimulatedKubelet;
  readonly #faults: FaultPlan;
  readonly #attachProtocols: readonly string[];
  readonly #wss: WebSocketServer;
  readonly #watches = new Set<ServerResponse>();
  readonly #logStreams = new Set<ServerResponse>();

  constructor(options: KubernetesApiServerOptions) {
    this.#store = options.store;
    this.#kubelet = options.kubelet;
    this.#faults = options.faults;
    this.#attachProtocols = options.attachProtocols;
    this.#wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (offered) => this.#attachProtocols.find((protocol) => offered.has(protocol)) ?? false,
    });
  }

  /** Ends every open watch, as an API server does after its request timeout. */
  endWatches(): void {
    for (const res of this.#watches) res.end();
    this.#watches.clear();
  }

  close(): void {
    this.endWatches();
    for (const res of this.#logStreams) res.end();
    this.#logStreams.clear();
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#route(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendStatus(res, statusOf(error));
    });
  }

  /** Answers an HTTP upgrade: attach WebSockets; anything else is refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    try {
      this.#upgrade(req, socket, head);
    } catch (error) {
      sendStatusOnSocket(socket, statusOf(error));
    }
  }

  #checkFault(verb: ApiVerb, namespace: string | undefined, name: string | undefined): void {
    const status = this.#faults.takeApiFault(verb, namespace, name);
    if (status) throw new StatusError(status);
  }

  #existingPod(namespace: string, name: string): Pod {
    const pod = this.#store.get<Pod>("pods", namespace, name);
    if (!pod) throw new StatusError(notFoundStatus("pods", name));
    return pod;
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://double.local");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? "GET";
    const onlyGet = () => {
      if (method !== "GET") throw methodNotAllowed();
    };

    if (parts.length === 1 && HEALTH_PATHS.has(parts[0] as string)) {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    if (parts.length === 1 && parts[0] === "version") {
      sendJson(res, 200, SERVER_VERSION);
      return;
    }
    if (parts[0] !== "api" || parts[1] !== "v1") throw routeNotFound();
    const rest = parts.slice(2);

    // Cluster-scoped collections: /api/v1/pods, /api/v1/events, /api/v1/namespaces
    if (rest.length === 1 && (rest[0] === "pods" || rest[0] === "events")) {
      onlyGet();
      this.#collection(req, res, url, rest[0], undefined);
      return;
    }
    if (rest[0] !== "namespaces") throw routeNotFound();
    if (rest.length === 1) {
      onlyGet();
      this.#checkFault("namespace", undefined, undefined);
      sendJson(res, 200, {
        apiVersion: "v1",
        kind: "NamespaceList",
        metadata: { resourceVersion: this.#store.currentResourceVersion },
        items: this.#store.listNamespaces(),
      });
      return;
    }
    const namespace = rest[1] as string;
    if (rest.length === 2) {
      onlyGet();
      this.#checkFault("namespace", undefined, namespace);
      const found = this.#store.getNamespace(namespace);
      if (!found) throw new StatusError(notFoundStatus("namespaces", namespace));
      sendJson(res, 200, found);
      return;
    }
    const resource = rest[2];
    if (resource === "events" && rest.length === 3) {
      onlyGet();
      this.#collection(req, res, url, "events", namespace);
      return;
    }
    if (isPlainResource(resource)) {
      if (rest.length === 3) {
        if (method === "GET") this.#collection(req, res, url, resource, namespace);
        else if (method === "POST") await createPlainObject(this.#store, resource, req, res, url, namespace);
        else throw methodNotAllowed();
      } else if (rest.length === 4) {
        if (method === "DELETE") await readJson(req);
        if (method === "GET" && resource === "secrets") this.#checkFault("get-secret", namespace, rest[3]);
        servePlainObject(this.#store, resource, method, res, namespace, rest[3] as string);
      } else throw routeNotFound();
      return;
    }
    if (resource !== "pods") throw routeNotFound();
    if (rest.length === 3) {
      if (method === "GET") this.#collection(req, res, url, "pods", namespace);
      else if (method === "POST") await this.#createPod(req, res, url, namespace);
      else throw methodNotAllowed();
      return;
    }
    const name = rest[3] as string;
    if (rest.length === 4) {
      if (method === "GET") {
        this.#checkFault("get", namespace, name);
        sendJson(res, 200, this.#existingPod(namespace, name));
      } else if (method === "DELETE") {
        await this.#deletePod(req, res, url, namespace, name);
      } else throw methodNotAllowed();
      return;
    }
    if (rest.length === 5 && rest[4] === "log") {
      onlyGet();
      this.#checkFault("log", namespace, name);
      servePodLog(res, url, this.#existingPod(namespace, name), this.#kubelet.runtime(namespace, name), (open) => {
        this.#logStreams.add(open);
        open.on("close", () => this.#logStreams.delete(open));
      });
      return;
    }
    if (rest.length === 5 && (rest[4] === "attach" || rest[4] === "exec")) {
      throw badRequest("Upgrade request required");
    }
    throw routeNotFound();
  }

  #collection(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    resource: StoredResource,
    namespace: string | undefined,
  ): void {
    const watch = queryFlag(url, "watch");
    if (resource === "events") this.#checkFault("events", namespace, undefined);
    else if (resource === "pods") this.#checkFault(watch ? "watch" : "list", namespace, undefined);
    const filter = requestFilter(url, namespace);
    if (watch) {
      this.#watches.add(res);
      res.on("close", () => this.#watches.delete(res));
      serveWatch(req, res, url, this.#store, resource, filter);
      return;
    }
    sendJson(res, 200, {
      apiVersion: "v1",
      kind: LIST_KINDS[resource],
      metadata: { resourceVersion: this.#store.currentResourceVersion },
      items: this.#store.list(resource, filter),
    });
  }

  async #createPod(req: IncomingMessage, res: ServerResponse, url: URL, namespace: string): Promise<void> {
    const body = (await readJson(req)) as Partial<Pod> | undefined;
    this.#checkFault("create", namespace, body?.metadata?.name);
    if (!this.#store.getNamespace(namespace)) throw new StatusError(notFoundStatus("namespaces", namespace));
    const { metadata, spec } = admitPod(body, namespace, (name) => this.#store.has("pods", namespace, name));
    const name = metadata.name as string;
    if (this.#store.has("pods", namespace, name)) throw alreadyExists("pods", name);
    const account = spec.serviceAccountName as string;
    if (!this.#store.has("serviceaccounts", namespace, account)) {
      throw new StatusError(
        kubernetesStatus(
          403,
          `pods "${name}" is forbidden: error looking up service account ${namespace}/${account}: serviceaccount "${account}" not found`,
          { reason: "Forbidden", details: { name, kind: "pods" } },
        ),
      );
    }
    const pod: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata,
      spec,
      status: { phase: "Pending", qosClass: "BestEffort" },
    };
    if (url.searchParams.get("dryRun") === "All") {
      sendJson(res, 201, pod);
      return;
    }
    const created = this.#store.create<Pod>("pods", pod);
    this.#kubelet.admit(created, this.#faults.takePodFaults());
    sendJson(res, 201, created);
  }

  async #deletePod(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    namespace: string,
    name: string,
  ): Promise<void> {
    const body = (await readJson(req)) as { gracePeriodSeconds?: number } | undefined;
    this.#checkFault("delete", namespace, name);
    const query = url.searchParams.get("gracePeriodSeconds");
    const grace = query !== null ? Number(query) : body?.gracePeriodSeconds;
    if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
      throw badRequest(`invalid gracePeriodSeconds: ${String(query ?? grace)}`);
    }
    const pod = this.#kubelet.delete(namespace, name, grace);
    if (!pod) throw new StatusError(notFoundStatus("pods", name));
    sendJson(res, 200, pod);
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://double.local");
    const target = parseAttachPath(url.pathname);
    if (!target) throw routeNotFound();
    const { namespace, name } = target;
    this.#checkFault("attach", namespace, name);
    const offered = (req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((protocol) => protocol.trim())
      .filter(Boolean);
    const { runtime, session } = acceptAttach(
      url,
      this.#existingPod(namespace, name),
      this.#kubelet.runtime(namespace, name),
      offered,
      this.#attachProtocols,
    );
    this.#wss.handleUpgrade(req, socket, head, (ws) => serveAttachSession(ws, runtime, session));
  }
}
