import type { IncomingMessage, ServerResponse } from "node:http";
import { notFoundStatus, StatusError } from "../kubernetes-status.js";
import type { Secret, ServiceAccount } from "../kubernetes-types.js";
import type { ClusterStore } from "../store/cluster-store.js";
import { readJson, sendJson } from "./http-responses.js";
import { alreadyExists, methodNotAllowed } from "./request-errors.js";
import { admitSecret } from "./secret-admission.js";
import { admitServiceAccount } from "./service-account-admission.js";

/** Namespaced resources the double stores without running anything: create, get, list and (some) delete. */
export type PlainResource = "secrets" | "serviceaccounts";

type Admit = (body: never, namespace: string, nameTaken: (name: string) => boolean) => Secret | ServiceAccount;

const PLAIN_RESOURCES: Record<PlainResource, { admit: Admit; deletable: boolean }> = {
  secrets: { admit: admitSecret, deletable: true },
  serviceaccounts: { admit: admitServiceAccount, deletable: false },
};

export function isPlainResource(resource: string | undefined): resource is PlainResource {
  return resource !== undefined && Object.hasOwn(PLAIN_RESOURCES, resource);
}

/**
 * The object a create request would store, checked as the API server does: 404 when the namespace does not exist,
 * the resource's admission, 409 `AlreadyExists` when the name is taken.
 */
export function admitPlainObject<T extends Secret | ServiceAccount>(
  store: ClusterStore,
  resource: PlainResource,
  body: unknown,
  namespace: string,
): T {
  if (!store.getNamespace(namespace)) throw new StatusError(notFoundStatus("namespaces", namespace));
  const admit = PLAIN_RESOURCES[resource].admit;
  const object = admit(body as never, namespace, (name) => store.has(resource, namespace, name));
  const name = object.metadata.name as string;
  if (store.has(resource, namespace, name)) throw alreadyExists(resource, name);
  return object as T;
}

/** POST to the collection (`dryRun=All` checks without storing). */
export async function createPlainObject(
  store: ClusterStore,
  resource: PlainResource,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  namespace: string,
): Promise<void> {
  const object = admitPlainObject(store, resource, await readJson(req), namespace);
  sendJson(res, 201, url.searchParams.get("dryRun") === "All" ? object : store.create(resource, object));
}

/**
 * GET or DELETE of one object. A delete answers with a `Success` Status naming the object, as the API server does
 * for resources that do not return the deleted object.
 */
export function servePlainObject(
  store: ClusterStore,
  resource: PlainResource,
  method: string,
  res: ServerResponse,
  namespace: string,
  name: string,
): void {
  if (method !== "GET" && !(method === "DELETE" && PLAIN_RESOURCES[resource].deletable)) throw methodNotAllowed();
  const object =
    method === "GET"
      ? store.get<Secret | ServiceAccount>(resource, namespace, name)
      : store.remove<Secret | ServiceAccount>(resource, namespace, name);
  if (!object) throw new StatusError(notFoundStatus(resource, name));
  if (method === "GET") {
    sendJson(res, 200, object);
    return;
  }
  sendJson(res, 200, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name, kind: resource, uid: object.metadata.uid },
  });
}
