import { afterEach, describe, expect, it } from "vitest";
import type { KubernetesDouble } from "../kubernetes/start-kubernetes-double.js";
import { buildPod, kubeClients, waitForPhase } from "../test-support/kube-clients.js";
import { KANIKO_NAMESPACE, startKanikoDouble } from "./start-kaniko-double.js";

describe("startKanikoDouble", () => {
  let cluster: KubernetesDouble | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it("adds the zenml-kaniko namespace to the ones asked for", async () => {
    cluster = await startKanikoDouble({ namespaces: ["team-a"] });
    const { core } = kubeClients(cluster);
    const names = (await core.listNamespace()).items.map((namespace) => namespace.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(["default", KANIKO_NAMESPACE, "team-a"]));
  });

  it("runs the simulated kaniko by default, and the executor given instead of it", async () => {
    cluster = await startKanikoDouble();
    const { core } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: KANIKO_NAMESPACE, body: buildPod("no-args", { stdin: false }) });
    const failed = await waitForPhase(core, KANIKO_NAMESPACE, "no-args", ["Succeeded", "Failed"]);
    expect(failed.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(1);
    expect(cluster.logs(KANIKO_NAMESPACE, "no-args")).toMatch(/^error building image: no build context given/m);
    await cluster.stop();

    cluster = await startKanikoDouble({ executor: async () => ({ exitCode: 0, terminationMessage: "custom" }) });
    const custom = kubeClients(cluster).core;
    await custom.createNamespacedPod({ namespace: KANIKO_NAMESPACE, body: buildPod("custom", { stdin: false }) });
    const succeeded = await waitForPhase(custom, KANIKO_NAMESPACE, "custom", ["Succeeded", "Failed"]);
    expect(succeeded.status?.containerStatuses?.[0]?.state?.terminated?.message).toBe("custom");
  });
});
