import { generatedNameSuffix } from "../kubernetes-time.js";
import type { Container, ObjectMeta, Pod } from "../kubernetes-types.js";
import { badRequest, invalidField } from "./request-errors.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME_LENGTH = 253;

/**
 * Checks a pod create request's body and applies the defaults a real API server does (name from `generateName`,
 * `restartPolicy: Always`, `terminationMessagePath`, ...). Throws the Status a real server answers with: 400 for
 * a body that is not a pod, 422 `Invalid` for a bad field. `nameTaken` tells whether a pod name exists.
 */
export function admitPod(
  body: Partial<Pod> | undefined,
  namespace: string,
  nameTaken: (name: string) => boolean,
): Pick<Pod, "metadata" | "spec"> {
  if (!body || typeof body !== "object" || !body.metadata || typeof body.metadata !== "object") {
    throw badRequest(
      "the body of the request was in an unknown format - accepted media types include: application/json",
    );
  }
  if (body.kind !== undefined && body.kind !== "Pod")
    throw badRequest(`the kind of the object must be Pod, not ${body.kind}`);
  const metadata = admitMetadata(body.metadata, namespace, nameTaken);
  return { metadata, spec: admitSpec(body.spec, metadata.name as string) };
}

function admitMetadata(requested: ObjectMeta, namespace: string, nameTaken: (name: string) => boolean): ObjectMeta {
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
      throw invalidField("Pod", "", "metadata.name", "Required value: name or generateName is required");
    }
    let candidate: string;
    do candidate = `${metadata.generateName}${generatedNameSuffix()}`;
    while (nameTaken(candidate));
    metadata.name = candidate;
  }
  const name = metadata.name;
  if (name.length > MAX_NAME_LENGTH || !DNS_SUBDOMAIN.test(name)) {
    throw invalidField(
      "Pod",
      name,
      "metadata.name",
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return metadata;
}

function admitSpec(requested: Pod["spec"] | undefined, name: string): Pod["spec"] {
  const spec = { ...(requested ?? {}) } as Pod["spec"];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
    throw invalidField("Pod", name, "spec.containers", "Required value");
  }
  spec.containers = spec.containers.map((container, index) => admitContainer(container, index, name));
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
  return spec;
}

function admitContainer(container: Container, index: number, podName: string): Container {
  if (!container?.name || !DNS_LABEL.test(container.name)) {
    throw invalidField("Pod", podName, `spec.containers[${index}].name`, `Invalid value: "${container?.name ?? ""}"`);
  }
  if (!container.image) throw invalidField("Pod", podName, `spec.containers[${index}].image`, "Required value");
  const tagged = /:[^/]+$/.test(container.image.split("@")[0] ?? "") || container.image.includes("@");
  const latest = !tagged || container.image.endsWith(":latest");
  return {
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    imagePullPolicy: latest ? "Always" : "IfNotPresent",
    resources: {},
    ...container,
  } satisfies Container;
}
