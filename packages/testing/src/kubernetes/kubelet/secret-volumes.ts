import { posix } from "node:path";
import type { Container, Pod } from "../kubernetes-types.js";
import type { SecretLookup } from "./container-env.js";

/** The files of each mounted secret volume: volume name → path inside the volume → content. */
export type MountedVolumes = Map<string, Map<string, Buffer>>;

export type MountResult =
  | { ok: true; volumes: MountedVolumes }
  /** `FailedMount` messages, one per volume that cannot be set up. */
  | { ok: false; failures: string[] };

/**
 * Sets up the pod's secret volumes as the kubelet's secret plugin does: every key as a file, or only `items`
 * (key → path). A missing secret or item key fails the mount unless the volume is `optional` (then the missing
 * part is left out). Other volume types are not simulated and hold no files.
 */
export function mountSecretVolumes(pod: Pod, secrets: SecretLookup): MountResult {
  const volumes: MountedVolumes = new Map();
  const failures: string[] = [];
  for (const volume of pod.spec.volumes ?? []) {
    const source = volume.secret;
    if (!source) continue;
    const files = new Map<string, Buffer>();
    volumes.set(volume.name, files);
    const name = source.secretName ?? "";
    const secret = secrets(name);
    const failed = (reason: string) =>
      failures.push(`MountVolume.SetUp failed for volume "${volume.name}" : ${reason}`);
    if (!secret) {
      if (!source.optional) failed(`secret "${name}" not found`);
      continue;
    }
    const data = secret.data ?? {};
    const items = source.items ?? Object.keys(data).map((key) => ({ key, path: key }));
    const missing = items.find((item) => data[item.key] === undefined);
    if (missing && !source.optional) {
      failed(`references non-existent secret key: ${missing.key}`);
      continue;
    }
    for (const item of items) {
      const value = data[item.key];
      if (value !== undefined) files.set(posix.normalize(item.path), Buffer.from(value, "base64"));
    }
  }
  return failures.length > 0 ? { ok: false, failures } : { ok: true, volumes };
}

/**
 * The files a container sees through its `volumeMounts` of mounted secret volumes, by absolute path
 * (`mountPath/key`, or `mountPath` itself for a `subPath` naming one file).
 */
export function containerFiles(container: Container, volumes: MountedVolumes): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const mount of container.volumeMounts ?? []) {
    const subPath = mount.subPath ? posix.normalize(mount.subPath) : "";
    for (const [path, content] of volumes.get(mount.name) ?? []) {
      if (!subPath) files[posix.join(mount.mountPath, path)] = content;
      else if (path === subPath) files[posix.normalize(mount.mountPath)] = content;
      else if (path.startsWith(`${subPath}/`)) files[posix.join(mount.mountPath, path.slice(subPath.length))] = content;
    }
  }
  return files;
}
