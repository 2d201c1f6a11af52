import type { Executor, KubernetesDouble, KubernetesDoubleFaults } from "@flavorstack/testing";
import type { V1Pod } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { heldExecutor, TEST_NAMESPACE as NAMESPACE, startDoubleWithPod } from "../test-support/double-with-pod.js";
import { type KubeApi, namespacedPath } from "./kube-api.js";
import { PodGoneError, watchPod } from "./pod-watcher.js";

let cluster: KubernetesDouble | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function startWithPod(executor: Executor, faults: KubernetesDoubleFaults = {}): Promise<KubeApi> {
  const started = await startDoubleWithPod(executor, faults);
  cluster = started.cluster;
  return started.api;
}

const succeeded = (pod: V1Pod) => (pod.status?.phase === "Succeeded" ? pod.status.phase : undefined);

describe("watchPod against the Kubernetes double", () => {
  it("backs off on watch ERROR events and gives up, instead of re-watching in a tight loop", async () => {
    const api = await startWithPod(heldExecutor().executor);
    // The double never sends ERROR events (an etcd failure mid-watch): the pod is read from the double,
    // and each watch delivers one ERROR event, then ends, as an API server's does.
    let watches = 0;
    const erroring: KubeApi = {
      ...api,
      watch: async (_path, _query, onEvent) => {
        watches += 1;
        onEvent("ERROR", { kind: "Status", code: 500, message: "etcd is sad" });
      },
    };
    const started = Date.now();
    const wait = watchPod({
      api: erroring,
      namespace: NAMESPACE,
      name: "p",
      signal: new AbortController().signal,
      watchTimeoutSeconds: 240,
      decide: succeeded,
    });
    await expect(wait).rejects.toThrow(/Watching pod ns\/p failed 6 times in a row: HTTP 500: etcd is sad/);
    expect(watches).toBeLessThan(20);
    expect(Date.now() - started).toBeGreaterThan(1000);
  }, 15_000);

  it("backs off on watches the API server answers with 500 and gives up", async () => {
    const api = await startWithPod(heldExecutor().executor, { apiErrors: [{ verb: "watch", status: 500 }] });
    const started = Date.now();
    const wait = watchPod({
      api,
      namespace: NAMESPACE,
      name: "p",
      signal: new AbortController().signal,
      watchTimeoutSeconds: 240,
      decide: succeeded,
    });
    await expect(wait).rejects.toThrow(/Watching pod ns\/p failed 6 times in a row: HTTP 500 \(InternalError\)/);
    expect(Date.now() - started).toBeGreaterThan(1000);
  }, 15_000);

  it("takes a deleted pod's final state when it is what the wait wants", async () => {
    const held = heldExecutor();
    const api = await startWithPod(held.executor);
    // Only the pod's creation and deletion reach the wait (as when the updates between were missed):
    // the DELETED event's object is the pod's last state.
    const deletionsOnly: KubeApi = {
      ...api,
      watch: (path, query, onEvent, signal) =>
        api.watch(path, query, (type, object) => type !== "MODIFIED" && onEvent(type, object), signal),
    };
    const options = { namespace: NAMESPACE, name: "p", signal: new AbortController().signal, watchTimeoutSeconds: 240 };
    const wait = watchPod({ ...options, api: deletionsOnly, decide: succeeded });
    held.release();
    await cluster?.waitForPod((pod) => pod.status.phase === "Succeeded");
    await api.request("DELETE", namespacedPath(NAMESPACE, "pods", "p"), { query: { gracePeriodSeconds: 0 } });
    await expect(wait).resolves.toBe("Succeeded");
  });

  it("fails with PodGoneError when the pod is deleted before it is what the wait wants", async () => {
    const api = await startWithPod(heldExecutor().executor);
    const wait = watchPod({
      api,
      namespace: NAMESPACE,
      name: "p",
      signal: new AbortController().signal,
      watchTimeoutSeconds: 240,
      decide: () => undefined,
    });
    await cluster?.waitForPod((pod) => pod.status.phase === "Running");
    await api.request("DELETE", namespacedPath(NAMESPACE, "pods", "p"), { query: { gracePeriodSeconds: 0 } });
    await expect(wait).rejects.toBeInstanceOf(PodGoneError);
  });
});
