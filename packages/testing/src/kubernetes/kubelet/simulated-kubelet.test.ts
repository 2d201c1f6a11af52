import type { V1Pod } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { buildPod, kubeClients, waitForPhase } from "../../test-support/kube-clients.js";
import type { Pod } from "../kubernetes-types.js";
import { type KubernetesDouble, startKubernetesDouble } from "../start-kubernetes-double.js";
import type { ExecutorContainer } from "./executor.js";

const NAMESPACE = "default";

/** A pod whose container reads a secret through envFrom, a secretKeyRef and a secret volume. */
function podWithSecrets(name: string): V1Pod {
  const pod = buildPod(name, { stdin: false });
  const spec = pod.spec as NonNullable<V1Pod["spec"]>;
  Object.assign(spec.containers[0] as object, {
    envFrom: [{ secretRef: { name: "aws" }, prefix: "CTX_" }],
    env: [{ name: "REGISTRY_TOKEN", valueFrom: { secretKeyRef: { name: "aws", key: "token" } } }],
    volumeMounts: [{ name: "docker-config", mountPath: "/kaniko/.docker" }],
  });
  spec.volumes = [{ name: "docker-config", secret: { secretName: "docker" } }];
  return pod;
}

function waitingReason(pod: Pod): string | undefined {
  return pod.status.containerStatuses?.[0]?.state.waiting?.reason;
}

describe("the simulated kubelet resolves secrets", () => {
  let cluster: KubernetesDouble | undefined;
  const seen: ExecutorContainer[] = [];
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
    seen.length = 0;
  });

  async function start() {
    cluster = await startKubernetesDouble({
      executor: async ({ container }) => {
        seen.push(container);
        return { exitCode: 0 };
      },
    });
    return { cluster, ...kubeClients(cluster) };
  }

  function eventsOf(name: string): string[] {
    return (cluster as KubernetesDouble)
      .events(NAMESPACE)
      .filter((event) => event.involvedObject.name === name)
      .map((event) => `${event.type} ${event.reason}: ${event.message}`);
  }

  it("keeps a pod with a missing secret volume ContainerCreating with FailedMount events until the secret exists", async () => {
    const { cluster, core } = await start();
    cluster.createSecret(NAMESPACE, "aws", { KEY: "k", token: "t" });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: podWithSecrets("mount-waits") });
    const failedMount =
      'Warning FailedMount: MountVolume.SetUp failed for volume "docker-config" : secret "docker" not found';
    await cluster.waitForPod(() => eventsOf("mount-waits").includes(failedMount));
    const pending = cluster.pods(NAMESPACE)[0] as Pod;
    expect(pending.status.phase).toBe("Pending");
    expect(waitingReason(pending)).toBe("ContainerCreating");
    expect(eventsOf("mount-waits").some((event) => event.includes("Pulling"))).toBe(false);
    const mountEvent = cluster.events(NAMESPACE).find((event) => event.reason === "FailedMount");
    expect(mountEvent?.involvedObject.fieldPath).toBeUndefined();

    cluster.createSecret(NAMESPACE, "docker", { "config.json": '{"auths":{}}' });
    const pod = await waitForPhase(core, NAMESPACE, "mount-waits", ["Succeeded", "Failed"]);
    expect(pod.status?.phase).toBe("Succeeded");
    expect(seen[0]?.files["/kaniko/.docker/config.json"]?.toString("utf8")).toBe('{"auths":{}}');
  });

  it("keeps a container whose env needs a missing secret or key in CreateContainerConfigError, then starts it", async () => {
    const { cluster, core } = await start();
    cluster.createSecret(NAMESPACE, "docker", { "config.json": "{}" });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: podWithSecrets("config-waits") });
    const missingSecret = await cluster.waitForPod((pod) => waitingReason(pod) === "CreateContainerConfigError");
    expect(missingSecret.status.phase).toBe("Pending");
    expect(missingSecret.status.containerStatuses?.[0]?.state.waiting?.message).toBe('secret "aws" not found');
    expect(eventsOf("config-waits")).toContain('Warning Failed: Error: secret "aws" not found');
    const log = await fetch(`${cluster.url}/api/v1/namespaces/${NAMESPACE}/pods/config-waits/log`);
    expect(((await log.json()) as { message: string }).message).toBe(
      'container "kaniko" in pod "config-waits" is waiting to start: CreateContainerConfigError',
    );

    cluster.createSecret(NAMESPACE, "aws", { AWS_ACCESS_KEY_ID: "AKIA1" });
    await cluster.waitForPod(
      (pod) =>
        pod.status.containerStatuses?.[0]?.state.waiting?.message === "couldn't find key token in Secret default/aws",
    );
    await core.deleteNamespacedSecret({ name: "aws", namespace: NAMESPACE });
    cluster.createSecret(NAMESPACE, "aws", { AWS_ACCESS_KEY_ID: "AKIA1", token: "t0k3n" });

    const pod = await waitForPhase(core, NAMESPACE, "config-waits", ["Succeeded", "Failed"]);
    expect(pod.status?.phase).toBe("Succeeded");
    expect(seen).toHaveLength(1);
    expect(seen[0]?.env).toEqual({ CTX_AWS_ACCESS_KEY_ID: "AKIA1", CTX_token: "t0k3n", REGISTRY_TOKEN: "t0k3n" });
    expect(eventsOf("config-waits").filter((event) => event.startsWith("Normal Created"))).toHaveLength(1);
  });
});
