import { describe, expect, it } from "vitest";
import type { Pod, Secret, Volume, VolumeMount } from "../kubernetes-types.js";
import { containerFiles, mountSecretVolumes } from "./secret-volumes.js";

const DOCKER_CONFIG = '{"auths":{"registry.example":{"auth":"dXNlcjpwYXNz"}}}';
const SECRETS = new Map<string, Secret>([
  [
    "docker",
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "docker", namespace: "ns" },
      type: "Opaque",
      data: {
        "config.json": Buffer.from(DOCKER_CONFIG).toString("base64"),
        "key.json": Buffer.from("{}").toString("base64"),
      },
    },
  ],
]);
const lookup = (name: string) => SECRETS.get(name);

function pod(volumes: Volume[], volumeMounts: VolumeMount[]): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns" },
    spec: { containers: [{ name: "kaniko", image: "executor", volumeMounts }], volumes },
    status: { phase: "Pending" },
  };
}

function filesOf(target: Pod): Record<string, string> {
  const mounted = mountSecretVolumes(target, lookup);
  if (!mounted.ok) throw new Error(mounted.failures.join("; "));
  const files = containerFiles(target.spec.containers[0] as Pod["spec"]["containers"][number], mounted.volumes);
  return Object.fromEntries(Object.entries(files).map(([path, content]) => [path, content.toString("utf8")]));
}

describe("secret volumes", () => {
  it("mounts every key as a file under mountPath, items at their paths, and a subPath file at mountPath", () => {
    const files = filesOf(
      pod(
        [
          { name: "docker-config", secret: { secretName: "docker" } },
          { name: "gcp", secret: { secretName: "docker", items: [{ key: "key.json", path: "sa/key.json" }] } },
          { name: "one-file", secret: { secretName: "docker" } },
          { name: "unmounted", secret: { secretName: "docker" } },
          { name: "scratch", emptyDir: {} },
        ],
        [
          { name: "docker-config", mountPath: "/kaniko/.docker" },
          { name: "gcp", mountPath: "/secrets/" },
          { name: "one-file", mountPath: "/etc/config.json", subPath: "config.json" },
          { name: "scratch", mountPath: "/scratch" },
        ],
      ),
    );
    expect(files).toEqual({
      "/kaniko/.docker/config.json": DOCKER_CONFIG,
      "/kaniko/.docker/key.json": "{}",
      "/secrets/sa/key.json": "{}",
      "/etc/config.json": DOCKER_CONFIG,
    });
  });

  it("fails the mount of a missing secret or item key with the kubelet's FailedMount messages", () => {
    const mounted = mountSecretVolumes(
      pod(
        [
          { name: "creds", secret: { secretName: "nope" } },
          { name: "picked", secret: { secretName: "docker", items: [{ key: "missing", path: "m" }] } },
        ],
        [],
      ),
      lookup,
    );
    expect(mounted).toEqual({
      ok: false,
      failures: [
        'MountVolume.SetUp failed for volume "creds" : secret "nope" not found',
        'MountVolume.SetUp failed for volume "picked" : references non-existent secret key: missing',
      ],
    });
  });

  it("mounts optional volumes with what exists", () => {
    const files = filesOf(
      pod(
        [
          { name: "creds", secret: { secretName: "nope", optional: true } },
          {
            name: "picked",
            secret: {
              secretName: "docker",
              optional: true,
              items: [
                { key: "missing", path: "m" },
                { key: "key.json", path: "k" },
              ],
            },
          },
        ],
        [
          { name: "creds", mountPath: "/creds" },
          { name: "picked", mountPath: "/picked" },
        ],
      ),
    );
    expect(files).toEqual({ "/picked/k": "{}" });
  });
});
