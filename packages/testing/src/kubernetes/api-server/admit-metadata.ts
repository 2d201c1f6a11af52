import { generatedNameSuffix } from "../kubernetes-time.js";
import type { ObjectMeta } from "../kubernetes-types.js";
import { badRequest, invalidField } from "./request-errors.js";

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME_LENGTH = 253;

/** The body of a create request, when it is an object of `kind` with metadata; else the 400 a real server sends. */
export function requireObjectBody<T extends { kind?: string; metadata?: ObjectMeta }>(
  body: T | undefined,
  kind: string,
): T & { metadata: ObjectMeta } {
  if (!body || typeof body !== "object" || !body.metadata || typeof body.metadata !== "object") {
    throw badRequest(
      "the body of the request was in an unknown format - accepted media types include: application/json",
    );
  }
  if (body.kind !== undefined && body.kind !== kind)
    throw badRequest(`the kind of the object must be ${kind}, not ${body.kind}`);
  return body as T & { metadata: ObjectMeta };
}

/**
 * A create request's metadata as the server stores it: namespace from the path, server-set fields dropped, the
 * name from `generateName` when none is given (avoiding names `nameTaken` says exist), checked as a DNS subdomain.
 */
export function admitMetadata(
  kind: string,
  requested: ObjectMeta,
  namespace: string,
  nameTaken: (name: string) => boolean,
): ObjectMeta & { name: string } {
  const metadata = { ...requested };
  if (metadata.namespace && metadata.namespace !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  metadata.namespace = namespace;
  delete metadata.uid;
  delete metadata.resourceVersion;
  delete metadata.creationTimestamp;
  delete metadata.deletionTimestamp;
  if (!metadata.name) {
    if (!metadata.generateName) {
      throw invalidField(kind, "", "metadata.name", "Required value: name or generateName is required");
    }
    let candidate: string;
    do candidate = `${metadata.generateName}${generatedNameSuffix()}`;
    while (nameTaken(candidate));
    metadata.name = candidate;
  }
  const name = metadata.name;
  if (name.length > MAX_NAME_LENGTH || !DNS_SUBDOMAIN.test(name)) {
    throw invalidField(
      kind,
      name,
      "metadata.name",
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return metadata as ObjectMeta & { name: string };
}
