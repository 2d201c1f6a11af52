import { kubernetesTime, newUid } from "../kubernetes-time.js";
import type {
  KubernetesEvent,
  Namespace,
  ObjectMeta,
  Pod,
  Secret,
  ServiceAccount,
  WatchEvent,
} from "../kubernetes-types.js";
import { matchesFields, matchesLabels, type SelectorRequirement } from "./match-selector.js";

/** Resources the store holds. */
export type StoredResource = "pods" | "events" | "secrets" | "serviceaccounts";

type StoredObject = Pod | KubernetesEvent | Secret | ServiceAccount;

interface HistoryEntry {
  resourceVersion: number;
  resource: StoredResource;
  event: WatchEvent<StoredObject>;
}

/** Which objects a list or watch wants. */
export interface ObjectFilter {
  namespace?: string;
  labels: SelectorRequirement[];
  fields: SelectorRequirement[];
}

interface Watcher {
  resource: StoredResource;
  filter: ObjectFilter;
  send(event: WatchEvent<StoredObject>): void;
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * The API server's storage: namespaces, pods, events, secrets and service accounts, one resourceVersion counter,
 * watch history.
 */
export class ClusterStore {
  #resourceVersion = 1;
  readonly #namespaces = new Map<string, Namespace>();
  readonly #objects: Record<StoredResource, Map<string, StoredObject>> = {
    pods: new Map(),
    events: new Map(),
    secrets: new Map(),
    serviceaccounts: new Map(),
  };
  readonly #history: HistoryEntry[] = [];
  readonly #watchers = new Set<Watcher>();
  /** Changes up to this resourceVersion are compacted away: a watch from an older one gets 410 Gone. */
  #compactedRevision = 0;

  get currentResourceVersion(): string {
    return String(this.#resourceVersion);
  }

  #nextResourceVersion(): number {
    this.#resourceVersion += 1;
    return this.#resourceVersion;
  }

  /** Adds a namespace with its `default` service account (what the service account controller creates). */
  addNamespace(name: string): Namespace {
    const existing = this.#namespaces.get(name);
    if (existing) return copy(existing);
    const namespace: Namespace = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name,
        uid: newUid(),
        resourceVersion: String(this.#nextResourceVersion()),
        creationTimestamp: kubernetesTime(),
        labels: { "kubernetes.io/metadata.name": name },
      },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    };
    this.#namespaces.set(name, namespace);
    this.create<ServiceAccount>("serviceaccounts", {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "default", namespace: name },
    });
    return copy(namespace);
  }

  getNamespace(name: string): Namespace | undefined {
    const namespace = this.#namespaces.get(name);
    return namespace && copy(namespace);
  }

  listNamespaces(): Namespace[] {
    return [...this.#namespaces.values()]
      .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""))
      .map(copy);
  }

  get<T extends StoredObject>(resource: StoredResource, namespace: string, name: string): T | undefined {
    const object = this.#objects[resource].get(key(namespace, name));
    return object && (copy(object) as T);
  }

  has(resource: StoredResource, namespace: string, name: string): boolean {
    return this.#objects[resource].has(key(namespace, name));
  }

  list<T extends StoredObject>(resource: StoredResource, filter?: ObjectFilter): T[] {
    const matching = [...this.#objects[resource].values()].filter((object) => !filter || matches(object, filter));
    return matching.map((object) => copy(object) as T);
  }

  /** Stores a new object (metadata.name and namespace set), stamping uid, resourceVersion and creationTimestamp. */
  create<T extends StoredObject>(resource: StoredResource, object: T): T {
    const metadata = object.metadata as ObjectMeta & { name: string; namespace: string };
    metadata.uid ??= newUid();
    metadata.creationTimestamp ??= kubernetesTime();
    const version = this.#nextResourceVersion();
    metadata.resourceVersion = String(version);
    this.#objects[resource].set(key(metadata.namespace, metadata.name), copy(object));
    this.#publish(resource, version, { type: "ADDED", object });
    return copy(object);
  }

  /** Applies `mutate` to a stored object and publishes MODIFIED; undefined when absent. */
  update<T extends StoredObject>(
    resource: StoredResource,
    namespace: string,
    name: string,
    mutate: (object: T) => void,
  ): T | undefined {
    const stored = this.#objects[resource].get(key(namespace, name)) as T | undefined;
    if (!stored) return undefined;
    const object = copy(stored);
    mutate(object);
    const version = this.#nextResourceVersion();
    object.metadata.resourceVersion = String(version);
    this.#objects[resource].set(key(namespace, name), copy(object));
    this.#publish(resource, version, { type: "MODIFIED", object });
    return copy(object);
  }

  /** Removes an object and publishes DELETED; returns its last state. */
  remove<T extends StoredObject>(resource: StoredResource, namespace: string, name: string): T | undefined {
    const stored = this.#objects[resource].get(key(namespace, name)) as T | undefined;
    if (!stored) return undefined;
    this.#objects[resource].delete(key(namespace, name));
    const object = copy(stored);
    const version = this.#nextResourceVersion();
    object.metadata.resourceVersion = String(version);
    this.#publish(resource, version, { type: "DELETED", object });
    return copy(object);
  }

  /** Forgets the change history up to now, as etcd's compaction does. */
  compact(): void {
    this.#compactedRevision = this.#resourceVersion;
    this.#history.length = 0;
  }

  /** The resourceVersion of the last compaction (0 before any). */
  get compactedRevision(): number {
    return this.#compactedRevision;
  }

  /** A watch from this resourceVersion cannot be served: its changes were compacted away. */
  isExpired(resourceVersion: string | undefined): boolean {
    const from = resourceVersion && resourceVersion !== "0" ? Number(resourceVersion) : undefined;
    return from !== undefined && !Number.isNaN(from) && from < this.#compactedRevision;
  }

  /**
   * Starts a watch. With a resourceVersion, replays the changes after it; without one (or "0"),
   * sends ADDED for the current objects first, as the API server does. Returns an unsubscribe function.
   */
  watch(
    resource: StoredResource,
    filter: ObjectFilter,
    resourceVersion: string | undefined,
    send: (event: WatchEvent<StoredObject>) => void,
  ): () => void {
    const from = resourceVersion && resourceVersion !== "0" ? Number(resourceVersion) : undefined;
    if (from === undefined || Number.isNaN(from)) {
      for (const object of this.list(resource, filter)) send({ type: "ADDED", object });
    } else {
      for (const entry of this.#history) {
        if (entry.resource === resource && entry.resourceVersion > from && matches(entry.event.object, filter)) {
          send(copy(entry.event));
        }
      }
    }
    const watcher: Watcher = { resource, filter, send };
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  #publish(resource: StoredResource, resourceVersion: number, event: WatchEvent<StoredObject>): void {
    const entry: HistoryEntry = { resourceVersion, resource, event: copy(event) };
    this.#history.push(entry);
    for (const watcher of this.#watchers) {
      if (watcher.resource === resource && matches(event.object, watcher.filter)) watcher.send(copy(event));
    }
  }
}

function matches(object: StoredObject, filter: ObjectFilter): boolean {
  if (filter.namespace && object.metadata.namespace !== filter.namespace) return false;
  return matchesLabels(object.metadata.labels, filter.labels) && matchesFields(object, filter.fields);
}
