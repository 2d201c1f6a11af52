import { afterEach, describe, expect, it } from "vitest";
import { buildPod, kubeClients } from "../../test-support/kube-clients.js";
import type { Pod } from "../kubernetes-types.js";
import { type KubernetesDouble, startKubernetesDouble } from "../start-kubernetes-double.js";

const NAMESPACE = "default";

describe("the autoscaler fault", () => {
  let cluster: KubernetesDouble | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  const eventsOf = (name: string) =>
    (cluster as KubernetesDouble)
      .events(NAMESPACE)
      .filter((event) => event.involvedObject.name === name)
      .map((event) => `${event.source?.component} ${event.reason}: ${event.message}`);

  it("leaves the pod unschedulable, records the events on their schedule, then schedules it on the new node", async () => {
    cluster = await startKubernetesDouble({
      faults: {
        autoscaler: {
          events: [
            { afterMs: 20, reason: "TriggeredScaleUp" },
            { afterMs: 40, reason: "Nominated", message: "Pod should schedule on: nodeclaim/default-abc" },
          ],
          nodeReadyAfterMs: 150,
        },
      },
    });
    const { core } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("scales", { stdin: false }) });
    const pending = await cluster.waitForPod((pod) =>
      (pod.status.conditions ?? []).some((condition) => condition.reason === "Unschedulable"),
    );
    expect(pending.spec.nodeName).toBeUndefined();
    await cluster.waitForPod(() => eventsOf("scales").some((event) => event.includes("Nominated")));
    expect(eventsOf("scales")).toEqual([
      expect.stringMatching(/^default-scheduler FailedScheduling: 0\/1 nodes are available/),
      "cluster-autoscaler TriggeredScaleUp: pod triggered scale-up: [{default-pool 1->2 (max: 5)}]",
      "karpenter Nominated: Pod should schedule on: nodeclaim/default-abc",
    ]);
    const done = await cluster.waitForPod((pod: Pod) => pod.status.phase === "Succeeded");
    expect(done.spec.nodeName).toBeDefined();
  });

  it("without nodeReadyAfterMs the pod stays Pending after NotTriggerScaleUp", async () => {
    cluster = await startKubernetesDouble({
      faults: { autoscaler: { events: [{ afterMs: 10, reason: "NotTriggerScaleUp" }] } },
    });
    const { core } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("stays", { stdin: false }) });
    await cluster.waitForPod(() => eventsOf("stays").some((event) => event.includes("NotTriggerScaleUp")));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cluster.pods(NAMESPACE)[0]?.status.phase).toBe("Pending");
    expect(eventsOf("stays")[1]).toBe(
      "cluster-autoscaler NotTriggerScaleUp: pod didn't trigger scale-up: 1 max node group size reached",
    );
  });
});
