import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { serveAttachSession } from "./attach-session.js";
import type { ClusterStore, ObjectFilter, StoredResource } from "./cluster-store.js";
import type { FaultPlan } from "./fault-plan.js";
import type { ApiVerb } from "./kubernetes-double-options.js";
import { kubernetesStatus, notFoundStatus, StatusError } from "./kubernetes-status.js";
import { generatedNameSuffix } from "./kubernetes-time.js";
import type { Container, KubernetesStatus, Pod, WatchEvent } from "./kubernetes-types.js";
import { parseSelector } from "./match-selector.js";
import type { SimulatedKubelet } from "./simulated-kubelet.js";

const maxBodyBytes = 3 * 1024 * 1024;
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface KubernetesApiServerOptions {
  store: ClusterStore;
  kubelet: SimulatedKubelet;
  faults: FaultPlan;
  attachProtocols: readonly string[];
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function sendStatus(res: ServerResponse, status: KubernetesStatus): void {
  sendJson(res, status.code, status);
}

function badRequest(message: string): StatusError {
  return new StatusError(kubernetesStatus(400, message));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes)
      throw new StatusError(kubernetesStatus(413, "Request entity too large", { reason: "RequestEntityTooLarge" }));
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`error decoding request body: ${(error as Error).message}`);
  }
}

function selectorFilter(url: URL, namespace: string | undefined): ObjectFilter {
  let filter: ObjectFilter;
  try {
    filter = {
      ...(namespace ? { namespace } : {}),
      labels: parseSelector(url.searchParams.get("labelSelector")),
      fields: parseSelector(url.searchParams.get("fieldSelector")),
    };
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  // Field selectors take only =, == and != (as on a real API server).
  const unsupported = filter.fields.find(
    (requirement) => requirement.operator !== "=" && requirement.operator !== "!=",
  );
  if (unsupported) {
    throw badRequest(`invalid field selector: "${unsupported.key}": field selectors support only =, == and !=`);
  }
  return filter;
}

function isWatch(url: URL): boolean {
  const watch = url.searchParams.get("watch");
  return watch === "true" || watch === "1";
}

function invalid(kind: string, name: string, field: string, detail: string): StatusError {
  return new StatusError(
    kubernetesStatus(422, `${kind} "${name}" is invalid: ${field}: ${detail}`, {
      reason: "Invalid",
      details: {
        name,
        kind: kind.toLowerCase() === "pod" ? "Pod" : kind,
        causes: [{ reason: "FieldValueInvalid", message: detail, field }],
      },
    }),
  );
}

function rawHttpError(socket: Duplex, status: KubernetesStatus): void {
  const text = JSON.stringify(status);
  const reasons: Record<number, string> = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
  };
  socket.end(
    `HTTP/1.1 ${status.code} ${reasons[status.code] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** The HTTP + WebSocket front of the double: routes Kubernetes API paths to the store and the kubelet. */
export class KubernetesApiServer {
  private readonly wss: WebSocketServer;
  private readonly watches = new Set<ServerResponse>();
  private readonly logStreams = new Set<ServerResponse>();

  constructor(private readonly options: KubernetesApiServerOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (offered) => this.pickProtocol([...offered]) ?? false,
    });
  }

  private pickProtocol(offered: string[]): string | undefined {
    return this.options.attachProtocols.find((protocol) => offered.includes(protocol));
  }

  /** Ends every open watch, as an API server does after its request timeout. */
  endWatches(): void {
    for (const res of this.watches) res.end();
    this.watches.clear();
  }

  close(): void {
    this.endWatches();
    for (const res of this.logStreams) res.end();
    this.logStreams.clear();
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private checkFault(verb: ApiVerb, namespace: string | undefined, name: string | undefined): void {
    const status = this.options.faults.takeApiFault(verb, namespace, name);
    if (status) throw new StatusError(status);
  }

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((error: unknown) => {
      const status =
        error instanceof StatusError
          ? error.status
          : kubernetesStatus(500, `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`);
      if (res.headersSent) res.destroy();
      else sendStatus(res, status);
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://double.local");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? "GET";
    const notAllowed = () =>
      new StatusError(
        kubernetesStatus(405, "the server does not allow this method on the requested resource", {
          reason: "MethodNotAllowed",
        }),
      );

    if (parts.length === 1 && (parts[0] === "healthz" || parts[0] === "readyz" || parts[0] === "livez")) {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    if (parts.length === 1 && parts[0] === "version") {
      sendJson(res, 200, {
        major: "1",
        minor: "30",
        gitVersion: "v1.30.0-flavorstack-double",
        platform: "linux/amd64",
      });
      return;
    }
    if (parts[0] !== "api" || parts[1] !== "v1") throw new StatusError(notFound());
    const rest = parts.slice(2);

    // Cluster-scoped collections: /api/v1/pods, /api/v1/events, /api/v1/namespaces
    if (rest.length === 1 && (rest[0] === "pods" || rest[0] === "events")) {
      if (method !== "GET") throw notAllowed();
      const resource = rest[0] as StoredResource;
      this.collection(req, res, url, resource, undefined);
      return;
    }
    if (rest[0] !== "namespaces") throw new StatusError(notFound());
    if (rest.length === 1) {
      if (method !== "GET") throw notAllowed();
      this.checkFault("namespace", undefined, undefined);
      sendJson(res, 200, {
        apiVersion: "v1",
        kind: "NamespaceList",
        metadata: { resourceVersion: this.options.store.currentResourceVersion },
        items: this.options.store.listNamespaces(),
      });
      return;
    }
    const namespace = rest[1] as string;
    if (rest.length === 2) {
      if (method !== "GET") throw notAllowed();
      this.checkFault("namespace", undefined, namespace);
      const found = this.options.store.getNamespace(namespace);
      if (!found) throw new StatusError(notFoundStatus("namespaces", namespace));
      sendJson(res, 200, found);
      return;
    }
    const resource = rest[2];
    if (resource === "events" && rest.length === 3) {
      if (method !== "GET") throw notAllowed();
      this.collection(req, res, url, "events", namespace);
      return;
    }
    if (resource !== "pods") throw new StatusError(notFound());
    if (rest.length === 3) {
      if (method === "GET") this.collection(req, res, url, "pods", namespace);
      else if (method === "POST") await this.createPod(req, res, url, namespace);
      else throw notAllowed();
      return;
    }
    const name = rest[3] as string;
    if (rest.length === 4) {
      if (method === "GET") {
        this.checkFault("get", namespace, name);
        const pod = this.options.store.get<Pod>("pods", namespace, name);
        if (!pod) throw new StatusError(notFoundStatus("pods", name));
        sendJson(res, 200, pod);
      } else if (method === "DELETE") {
        await this.deletePod(req, res, url, namespace, name);
      } else throw notAllowed();
      return;
    }
    if (rest.length === 5 && rest[4] === "log") {
      if (method !== "GET") throw notAllowed();
      this.podLog(res, url, namespace, name);
      return;
    }
    if (rest.length === 5 && (rest[4] === "attach" || rest[4] === "exec")) {
      throw badRequest("Upgrade request required");
    }
    throw new StatusError(notFound());
  }

  private collection(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    resource: StoredResource,
    namespace: string | undefined,
  ): void {
    const watch = isWatch(url);
    if (resource === "events") this.checkFault("events", namespace, undefined);
    else this.checkFault(watch ? "watch" : "list", namespace, undefined);
    const filter = selectorFilter(url, namespace);
    if (watch) {
      this.watch(req, res, url, resource, filter);
      return;
    }
    sendJson(res, 200, {
      apiVersion: "v1",
      kind: resource === "pods" ? "PodList" : "EventList",
      metadata: { resourceVersion: this.options.store.currentResourceVersion },
      items: this.options.store.list(resource, filter),
    });
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    resource: StoredResource,
    filter: ObjectFilter,
  ): void {
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Transfer-Encoding": "chunked",
      "Cache-Control": "no-cache",
    });
    res.flushHeaders();
    this.watches.add(res);
    const send = (event: WatchEvent<unknown>) => {
      if (!res.writableEnded) res.write(`${JSON.stringify(event)}\n`);
    };
    const unsubscribe = this.options.store.watch(
      resource,
      filter,
      url.searchParams.get("resourceVersion") ?? undefined,
      send,
    );
    const timeoutSeconds = Number(url.searchParams.get("timeoutSeconds") ?? "0");
    const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
    const cleanup = () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      this.watches.delete(res);
    };
    res.on("close", cleanup);
    res.on("finish", cleanup);
    req.on("close", cleanup);
  }

  private async createPod(req: IncomingMessage, res: ServerResponse, url: URL, namespace: string): Promise<void> {
    const { store, kubelet, faults } = this.options;
    const body = (await readJson(req)) as Partial<Pod> | undefined;
    this.checkFault("create", namespace, body?.metadata?.name);
    if (!store.getNamespace(namespace)) throw new StatusError(notFoundStatus("namespaces", namespace));
    if (!body || typeof body !== "object" || !body.metadata || typeof body.metadata !== "object") {
      throw badRequest(
        "the body of the request was in an unknown format - accepted media types include: application/json",
      );
    }
    if (body.kind !== undefined && body.kind !== "Pod")
      throw badRequest(`the kind of the object must be Pod, not ${body.kind}`);
    const metadata = { ...body.metadata };
    if (metadata.namespace && metadata.namespace !== namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    metadata.namespace = namespace;
    delete metadata.uid;
    delete metadata.resourceVersion;
    delete metadata.creationTimestamp;
    delete metadata.deletionTimestamp;
    if (!metadata.name) {
      if (!metadata.generateName) invalidName();
      let candidate: string;
      do candidate = `${metadata.generateName}${generatedNameSuffix()}`;
      while (store.has("pods", namespace, candidate));
      metadata.name = candidate;
    }
    const name = metadata.name as string;
    if (name.length > 253 || !dnsSubdomain.test(name)) {
      throw invalid(
        "Pod",
        name,
        "metadata.name",
        `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      );
    }
    const spec = { ...(body.spec ?? {}) } as Pod["spec"];
    if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
      throw invalid("Pod", name, "spec.containers", "Required value");
    }
    spec.containers = spec.containers.map((container, index) => {
      if (!container?.name || !dnsLabel.test(container.name)) {
        throw invalid("Pod", name, `spec.containers[${index}].name`, `Invalid value: "${container?.name ?? ""}"`);
      }
      if (!container.image) throw invalid("Pod", name, `spec.containers[${index}].image`, "Required value");
      const tagged = /:[^/]+$/.test(container.image.split("@")[0] ?? "") || container.image.includes("@");
      const latest = !tagged || container.image.endsWith(":latest");
      return {
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        imagePullPolicy: latest ? "Always" : "IfNotPresent",
        resources: {},
        ...container,
      } satisfies Container;
    });
    spec.restartPolicy ??= "Always";
    spec.terminationGracePeriodSeconds ??= 30;
    spec.dnsPolicy ??= "ClusterFirst";
    spec.schedulerName ??= "default-scheduler";
    spec.serviceAccountName ??= (spec.serviceAccount as string | undefined) ?? "default";
    spec.serviceAccount ??= spec.serviceAccountName;
    spec.securityContext ??= {};
    spec.enableServiceLinks ??= true;
    spec.preemptionPolicy ??= "PreemptLowerPriority";
    spec.priority ??= 0;
    if (store.has("pods", namespace, name)) {
      throw new StatusError(
        kubernetesStatus(409, `pods "${name}" already exists`, {
          reason: "AlreadyExists",
          details: { name, kind: "pods" },
        }),
      );
    }
    if (url.searchParams.get("dryRun") === "All") {
      sendJson(res, 201, {
        apiVersion: "v1",
        kind: "Pod",
        metadata,
        spec,
        status: { phase: "Pending", qosClass: "BestEffort" },
      });
      return;
    }
    const pod = store.create<Pod>("pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata,
      spec,
      status: { phase: "Pending", qosClass: "BestEffort" },
    });
    kubelet.admit(pod, faults.takePodFaults());
    sendJson(res, 201, pod);
  }

  private async deletePod(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    namespace: string,
    name: string,
  ): Promise<void> {
    const body = (await readJson(req)) as { gracePeriodSeconds?: number } | undefined;
    this.checkFault("delete", namespace, name);
    const query = url.searchParams.get("gracePeriodSeconds");
    const grace = query !== null ? Number(query) : body?.gracePeriodSeconds;
    if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
      throw badRequest(`invalid gracePeriodSeconds: ${String(query ?? grace)}`);
    }
    const pod = this.options.kubelet.delete(namespace, name, grace);
    if (!pod) throw new StatusError(notFoundStatus("pods", name));
    sendJson(res, 200, pod);
  }

  private podLog(res: ServerResponse, url: URL, namespace: string, name: string): void {
    const { store, kubelet } = this.options;
    this.checkFault("log", namespace, name);
    const pod = store.get<Pod>("pods", namespace, name);
    if (!pod) throw new StatusError(notFoundStatus("pods", name));
    const containerName = this.containerName(pod, url.searchParams.get("container"));
    if (!pod.spec.nodeName) {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end();
      return;
    }
    const status = pod.status.containerStatuses?.[0];
    const runtime = kubelet.runtime(namespace, name);
    const previous = url.searchParams.get("previous") === "true";
    if (previous && !status?.lastState.terminated) {
      throw badRequest(`previous terminated container "${containerName}" in pod "${name}" not found`);
    }
    const waiting = status?.state.waiting?.reason;
    if (!previous && (!runtime?.started || (waiting && !status?.lastState.terminated))) {
      const pulling = waiting === "ErrImagePull" || waiting === "ImagePullBackOff";
      const reason = pulling ? "trying and failing to pull image" : (waiting ?? "ContainerCreating");
      throw badRequest(`container "${containerName}" in pod "${name}" is waiting to start: ${reason}`);
    }
    const timestamps = url.searchParams.get("timestamps") === "true";
    const follow = url.searchParams.get("follow") === "true" && !previous;
    const tailLines = url.searchParams.has("tailLines") ? Number(url.searchParams.get("tailLines")) : undefined;
    let remaining = url.searchParams.has("limitBytes")
      ? Number(url.searchParams.get("limitBytes"))
      : Number.POSITIVE_INFINITY;
    res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
    const write = (time: string, text: string) => {
      if (remaining <= 0 || res.writableEnded) return;
      let line = timestamps ? `${time} ${text}` : text;
      if (Buffer.byteLength(line) > remaining) line = Buffer.from(line).subarray(0, remaining).toString("utf8");
      remaining -= Buffer.byteLength(line);
      res.write(line);
      if (remaining <= 0) res.end();
    };
    const entries = runtime?.logEntries ?? [];
    const shown =
      tailLines !== undefined && tailLines >= 0 ? entries.slice(Math.max(0, entries.length - tailLines)) : entries;
    for (const entry of shown) write(entry.time, entry.text);
    if (!follow || !runtime || runtime.terminated || res.writableEnded) {
      if (!res.writableEnded) res.end();
      return;
    }
    this.logStreams.add(res);
    const unsubscribeLog = runtime.onLog((entry) => write(entry.time, entry.text));
    const unsubscribeEnd = runtime.onTerminated(() => {
      if (!res.writableEnded) res.end();
    });
    res.on("close", () => {
      unsubscribeLog();
      unsubscribeEnd();
      this.logStreams.delete(res);
    });
  }

  private containerName(pod: Pod, requested: string | null): string {
    const names = pod.spec.containers.map((container) => container.name);
    if (!requested) {
      if (names.length === 1) return names[0] as string;
      throw badRequest(
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`,
      );
    }
    if (!names.includes(requested))
      throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    if (requested !== names[0]) {
      throw badRequest(`container "${requested}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    }
    return requested;
  }

  /** Answers an HTTP upgrade: attach WebSockets; anything else is refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    try {
      this.upgrade(req, socket, head);
    } catch (error) {
      const status =
        error instanceof StatusError
          ? error.status
          : kubernetesStatus(500, `Internal error occurred: ${String(error)}`);
      rawHttpError(socket, status);
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://double.local");
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/attach$/.exec(url.pathname);
    if (!match) throw new StatusError(notFound());
    const namespace = decodeURIComponent(match[1] as string);
    const name = decodeURIComponent(match[2] as string);
    this.checkFault("attach", namespace, name);
    const { store, kubelet } = this.options;
    const pod = store.get<Pod>("pods", namespace, name);
    if (!pod) throw new StatusError(notFoundStatus("pods", name));
    const containerName = this.containerName(pod, url.searchParams.get("container"));
    const flag = (key: string) => url.searchParams.get(key) === "true" || url.searchParams.get(key) === "1";
    const stdin = flag("stdin");
    const stdout = flag("stdout");
    const stderr = flag("stderr");
    if (!stdin && !stdout && !stderr) throw badRequest("you must specify at least 1 of stdin, stdout, stderr");
    if (pod.status.phase === "Succeeded" || pod.status.phase === "Failed") {
      throw badRequest(`cannot attach to a container in a completed pod; current phase is ${pod.status.phase}`);
    }
    if (!pod.spec.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    const runtime = kubelet.runtime(namespace, name);
    const waiting = pod.status.containerStatuses?.[0]?.state.waiting?.reason;
    if (!runtime?.started || runtime.terminated) {
      throw badRequest(
        `container "${containerName}" in pod "${name}" is waiting to start: ${waiting ?? "ContainerCreating"}`,
      );
    }
    const offered = (req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((protocol) => protocol.trim())
      .filter(Boolean);
    const protocol = offered.length === 0 ? "channel.k8s.io" : this.pickProtocol(offered);
    if (!protocol) {
      throw badRequest(
        `unable to upgrade connection: requested protocol(s) are not supported: [${offered.join(" ")}]; supported protocols: [${this.options.attachProtocols.join(" ")}]`,
      );
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      serveAttachSession(ws, runtime, {
        protocol,
        stdin,
        stdout,
        stderr,
        ...(runtime.faults.attachDrop ? { dropAfterBytes: runtime.faults.attachDrop.afterBytes } : {}),
      });
    });
  }
}

function notFound(): KubernetesStatus {
  return kubernetesStatus(404, "the server could not find the requested resource", { details: {} });
}

function invalidName(): never {
  throw invalid("Pod", "", "metadata.name", "Required value: name or generateName is required");
}
