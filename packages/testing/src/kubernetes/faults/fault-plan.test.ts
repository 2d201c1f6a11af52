import { setTimeout as delay } from "node:timers/promises";
import type { ApiException } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildPod,
  collector,
  kubeClients,
  socketClosed,
  stdinStream,
  waitForPhase,
} from "../../test-support/kube-clients.js";
import type { ExecutorContext, ExecutorResult } from "../kubelet/executor.js";
import type { KubernetesDoubleOptions } from "../kubernetes-double-options.js";
import { type KubernetesDouble, startKubernetesDouble } from "../start-kubernetes-double.js";

const NAMESPACE = "default";
const DIGEST = `sha256:${"ab".repeat(32)}`;

async function digestExecutor(context: ExecutorContext): Promise<ExecutorResult> {
  let bytes = 0;
  for await (const chunk of context.stdin) bytes += (chunk as Buffer).length;
  context.log(`read ${bytes} bytes`);
  return { exitCode: 0, terminationMessage: `127.0.0.1:5000/app@${DIGEST}\n` };
}

describe("fault injection", () => {
  let cluster: KubernetesDouble | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  async function start(options: KubernetesDoubleOptions = {}) {
    cluster = await startKubernetesDouble({ executor: digestExecutor, ...options });
    return { cluster, ...kubeClients(cluster) };
  }

  /** Creates a pod, waits for Running, attaches, sends `data` and EOF; resolves with the finished pod. */
  async function runPod(name: string, data = "context", overrides: Parameters<typeof buildPod>[1] = {}) {
    const { core, attach } = kubeClients(cluster as KubernetesDouble);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod(name, overrides) });
    await waitForPhase(core, NAMESPACE, name, ["Running"]);
    const stdin = stdinStream();
    await attach.attach(NAMESPACE, name, "kaniko", collector().stream, collector().stream, stdin, false);
    stdin.end(data);
    return waitForPhase(core, NAMESPACE, name, ["Succeeded", "Failed"]);
  }

  function eventsOf(name: string) {
    return (cluster as KubernetesDouble).events(NAMESPACE).filter((event) => event.involvedObject.name === name);
  }

  it("image pull error: ErrImagePull then ImagePullBackOff with events; the pod stays Pending", async () => {
    const { core } = await start({ faults: { imagePullError: {} } });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("pull-fails") });
    const pulled = await cluster?.waitForPod(
      (pod) => pod.status.containerStatuses?.[0]?.state.waiting?.reason === "ErrImagePull",
    );
    expect(pulled?.status.containerStatuses?.[0]?.state.waiting?.message).toContain("failed to pull and unpack image");
    const backOff = await cluster?.waitForPod(
      (pod) => pod.status.containerStatuses?.[0]?.state.waiting?.reason === "ImagePullBackOff",
    );
    expect(backOff?.status.phase).toBe("Pending");
    expect(backOff?.status.containerStatuses?.[0]?.state.waiting?.message).toBe(
      'Back-off pulling image "gcr.io/kaniko-project/executor:v1.23.2"',
    );
    const reasons = eventsOf("pull-fails").map(
      (event) => `${event.type}/${event.reason}/${event.message.slice(0, 30)}`,
    );
    expect(reasons).toEqual(
      expect.arrayContaining([
        'Warning/Failed/Failed to pull image "gcr.io/k',
        "Warning/Failed/Error: ErrImagePull",
        'Normal/BackOff/Back-off pulling image "gcr.io',
        "Warning/Failed/Error: ImagePullBackOff",
      ]),
    );
    const log = await fetch(`${cluster?.url}/api/v1/namespaces/${NAMESPACE}/pods/pull-fails/log`);
    expect(((await log.json()) as { message: string }).message).toBe(
      'container "kaniko" in pod "pull-fails" is waiting to start: trying and failing to pull image',
    );
  });

  it("unschedulable: PodScheduled False / Unschedulable and a FailedScheduling event", async () => {
    const { core } = await start({ faults: { unschedulable: {} } });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("no-node") });
    const pod = await cluster?.waitForPod((candidate) => (candidate.status.conditions?.length ?? 0) > 0);
    expect(pod?.status.conditions?.[0]).toMatchObject({
      type: "PodScheduled",
      status: "False",
      reason: "Unschedulable",
    });
    expect(pod?.status.phase).toBe("Pending");
    const [event] = eventsOf("no-node");
    expect(event).toMatchObject({
      type: "Warning",
      reason: "FailedScheduling",
      source: { component: "default-scheduler" },
    });
    expect(event?.message).toMatch(/^0\/1 nodes are available: /);
  });

  it('slow start delays Running; `pods: "next"` applies to one pod only', async () => {
    const { core } = await start({ faults: { slowStart: { ms: 400, pods: "next" } } });
    const started = Date.now();
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("slow-1") });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("fast-2") });
    await waitForPhase(core, NAMESPACE, "fast-2", ["Running"]);
    expect((await core.readNamespacedPod({ name: "slow-1", namespace: NAMESPACE })).status?.phase).toBe("Pending");
    await waitForPhase(core, NAMESPACE, "slow-1", ["Running"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it("exit code N: the executor is skipped and the container exits N after reading stdin", async () => {
    await start({ faults: { exitCode: { code: 7 } } });
    const pod = await runPod("exit-7");
    expect(pod.status?.phase).toBe("Failed");
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 7, reason: "Error" });
    expect(cluster?.logs(NAMESPACE, "exit-7")).toContain("exit code 7");
  });

  it("OOMKilled: exit 137 with reason OOMKilled", async () => {
    await start({ faults: { oomKilled: {} } });
    const pod = await runPod("oom");
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
  });

  it.each([
    ["empty", undefined],
    ["garbage", "\u0000garbage: not an image digest\n"],
    ["other-repository", `registry.invalid/someone-else/other-image@${DIGEST}\n`],
  ] as const)("termination message %s", async (kind, expected) => {
    await start({ faults: { terminationMessage: { kind } } });
    const pod = await runPod(`message-${kind}`);
    const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated?.exitCode).toBe(0);
    expect(terminated?.message).toBe(expected);
  });

  it("attach dropped mid-stream: the server closes the socket after N bytes and stdin ends there", async () => {
    const { core, attach } = await start({ faults: { attachDrop: { afterBytes: 100 } } });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("dropped") });
    await waitForPhase(core, NAMESPACE, "dropped", ["Running"]);
    const stdin = stdinStream();
    const ws = await attach.attach(NAMESPACE, "dropped", "kaniko", collector().stream, null, stdin, false);
    stdin.write(Buffer.alloc(60));
    stdin.write(Buffer.alloc(60));
    const { code } = await socketClosed(ws);
    expect(code).toBe(1006);
    await waitForPhase(core, NAMESPACE, "dropped", ["Succeeded"]);
    expect(cluster?.logs(NAMESPACE, "dropped")).toBe("read 100 bytes\n");
  });

  it("API errors: 403 on create, with a Forbidden Status body", async () => {
    const { core } = await start({ faults: { apiErrors: [{ verb: "create", status: 403 }] } });
    const error = (await core
      .createNamespacedPod({ namespace: NAMESPACE, body: buildPod("forbidden") })
      .catch((caught: unknown) => caught)) as ApiException<string>;
    expect(error.code).toBe(403);
    expect(JSON.parse(error.body)).toMatchObject({
      kind: "Status",
      reason: "Forbidden",
      code: 403,
      details: { name: "forbidden", kind: "pods" },
    });
    expect(JSON.parse(error.body).message).toContain(
      'cannot create resource "pods" in API group "" in the namespace "default"',
    );
  });

  it("API errors: 409 on create, 500 once on get, then success", async () => {
    const { core } = await start({
      faults: {
        apiErrors: [
          { verb: "create", status: 409, times: 1 },
          { verb: "get", status: 500, times: 1 },
        ],
      },
    });
    const conflict = (await core
      .createNamespacedPod({ namespace: NAMESPACE, body: buildPod("conflicted") })
      .catch((caught: unknown) => caught)) as ApiException<string>;
    expect(conflict.code).toBe(409);
    expect(JSON.parse(conflict.body).reason).toBe("AlreadyExists");
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("conflicted") });
    const internal = (await core
      .readNamespacedPod({ name: "conflicted", namespace: NAMESPACE })
      .catch((caught: unknown) => caught)) as ApiException<string>;
    expect(internal.code).toBe(500);
    expect(JSON.parse(internal.body).reason).toBe("InternalError");
    expect((await core.readNamespacedPod({ name: "conflicted", namespace: NAMESPACE })).metadata?.name).toBe(
      "conflicted",
    );
  });

  it("API errors on watch, log, attach, events, namespace and delete", async () => {
    const { core, watch, log, attach } = await start({
      faults: {
        apiErrors: [
          { verb: "watch", status: 500 },
          { verb: "log", status: 500 },
          { verb: "attach", status: 403 },
          { verb: "events", status: 403 },
          { verb: "namespace", status: 403 },
          { verb: "delete", status: 409 },
        ],
      },
    });
    const watchError = await new Promise<unknown>((resolve) => {
      void watch.watch(`/api/v1/namespaces/${NAMESPACE}/pods`, {}, () => {}, resolve);
    });
    expect((watchError as { statusCode?: number }).statusCode).toBe(500);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("api-faults") });
    await waitForPhase(core, NAMESPACE, "api-faults", ["Running"]);
    const logError = (await log
      .log(NAMESPACE, "api-faults", "kaniko", collector().stream)
      .catch((caught: unknown) => caught)) as ApiException<unknown>;
    expect(logError.code).toBe(500);
    expect(logError.message).toContain("Internal error occurred");
    const attachError = await attach
      .attach(NAMESPACE, "api-faults", "kaniko", collector().stream, null, stdinStream(), false)
      .catch((caught: unknown) => caught);
    expect(String((attachError as { message?: string }).message)).toContain("Unexpected server response: 403");
    const eventsError = (await core
      .listNamespacedEvent({ namespace: NAMESPACE })
      .catch((caught: unknown) => caught)) as ApiException<string>;
    expect(eventsError.code).toBe(403);
    const namespaceError = (await core
      .readNamespace({ name: NAMESPACE })
      .catch((caught: unknown) => caught)) as ApiException<string>;
    expect(JSON.parse(namespaceError.body).message).toContain('cannot get resource "namespaces"');
    const deleteError = (await core
      .deleteNamespacedPod({ name: "api-faults", namespace: NAMESPACE })
      .catch((caught: unknown) => caught)) as ApiException<string>;
    expect(JSON.parse(deleteError.body).reason).toBe("Conflict");
    cluster?.setFaults({});
    await core.deleteNamespacedPod({ name: "api-faults", namespace: NAMESPACE, gracePeriodSeconds: 0 });
  });
});

describe("simulated kubelet", () => {
  let cluster: KubernetesDouble | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it("restartPolicy Always: the result goes to lastState and the container shows CrashLoopBackOff", async () => {
    cluster = await startKubernetesDouble({ executor: async () => ({ exitCode: 0, terminationMessage: "done" }) });
    const { core } = kubeClients(cluster);
    await core.createNamespacedPod({
      namespace: NAMESPACE,
      body: buildPod("always", { restartPolicy: "Always", stdin: false }),
    });
    const pod = await cluster.waitForPod(
      (candidate) => candidate.status.containerStatuses?.[0]?.state.waiting?.reason === "CrashLoopBackOff",
    );
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.containerStatuses?.[0]?.lastState.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
      message: "done",
    });
    expect(pod.status.containerStatuses?.[0]?.restartCount).toBe(1);
    expect(cluster.events(NAMESPACE).some((event) => event.reason === "BackOff")).toBe(true);
  });

  it("activeDeadlineSeconds: the pod fails with DeadlineExceeded and its executor is aborted", async () => {
    let aborted = false;
    cluster = await startKubernetesDouble({
      executor: (context) =>
        new Promise((resolve) => {
          context.signal.addEventListener("abort", () => {
            aborted = true;
            resolve({ exitCode: 143 });
          });
        }),
    });
    const { core } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("deadline", { activeDeadlineSeconds: 1 }) });
    const pod = await waitForPhase(core, NAMESPACE, "deadline", ["Failed"], 5_000);
    expect(pod.status?.reason).toBe("DeadlineExceeded");
    expect(pod.status?.message).toBe("Pod was active on the node longer than the specified deadline");
    expect(aborted).toBe(true);
    const reasons = cluster.events(NAMESPACE).map((event) => event.reason);
    expect(reasons).toEqual(expect.arrayContaining(["Killing", "DeadlineExceeded"]));
  });

  it("deleting a running pod stops its executor; a graceful delete returns the pod marked for deletion", async () => {
    let aborted = false;
    cluster = await startKubernetesDouble({
      executor: (context) =>
        new Promise((resolve) => {
          context.signal.addEventListener("abort", () => {
            aborted = true;
            setTimeout(() => resolve({ exitCode: 137 }), 50);
          });
        }),
    });
    const { core } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("doomed") });
    await waitForPhase(core, NAMESPACE, "doomed", ["Running"]);
    const deleted = await core.deleteNamespacedPod({ name: "doomed", namespace: NAMESPACE, gracePeriodSeconds: 30 });
    expect(deleted.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(deleted.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect(aborted).toBe(true);
    for (let tries = 0; cluster.pods(NAMESPACE).length > 0 && tries < 200; tries += 1) await delay(10);
    expect(cluster.pods(NAMESPACE)).toHaveLength(0);
  });

  it("FallbackToLogsOnError puts the log tail in the termination message of a failed container", async () => {
    cluster = await startKubernetesDouble({
      executor: async (context) => {
        context.log("error building image: something broke", "stderr");
        return { exitCode: 1 };
      },
    });
    const { core } = kubeClients(cluster);
    await core.createNamespacedPod({
      namespace: NAMESPACE,
      body: buildPod("fallback", { stdin: false, terminationMessagePolicy: "FallbackToLogsOnError" }),
    });
    const pod = await waitForPhase(core, NAMESPACE, "fallback", ["Failed"]);
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.message).toBe(
      "error building image: something broke\n",
    );
  });
});
