import type { Container, Pod } from "../kubernetes-types.js";
import { admitMetadata, requireObjectBody } from "./admit-metadata.js";
import { invalidField } from "./request-errors.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

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
  const pod = requireObjectBody(body, "Pod");
  const metadata = admitMetadata("Pod", pod.metadata, namespace, nameTaken);
  return { metadata, spec: admitSpec(pod.spec, metadata.name) };
}

function admitSpec(requested: Pod["spec"] | undefined, name: string): Pod["spec"] {
  const spec = { ...(requested ?? {}) } as Pod["spec"];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
    throw invalidField("Pod", name, "spec.containers", "Required value");
  }
  spec.containers = spec.containers.map((container, index) => admitContainer(container, index, name));
  const volumes = new Set((spec.volumes ?? []).map((volume) => volume.name));
  for (const [index, container] of spec.containers.entries()) {
    for (const [mountIndex, mount] of (container.volumeMounts ?? []).entries()) {
      if (!volumes.has(mount.name)) {
        const field = `spec.containers[${index}].volumeMounts[${mountIndex}].name`;
        throw invalidField("Pod", name, field, `Not found: "${mount.name}"`);
      }
    }
  }
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
