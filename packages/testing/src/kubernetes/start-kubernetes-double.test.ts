import { ApiException } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildPod,
  collector,
  type KubeClients,
  kubeClients,
  socketClosed,
  stdinStream,
  waitForPhase,
} from "../test-support/kube-clients.js";
import type { ExecutorContext } from "./kubelet/executor.js";
import { createGenericContainer } from "./kubelet/generic-container.js";
import { CLUSTER_NAMESPACES, type KubernetesDouble, startKubernetesDouble } from "./start-kubernetes-double.js";

const NAMESPACE = "builds";

async function echoExecutor(context: ExecutorContext) {
  context.log(`hello from ${context.podName}`);
  context.log(`args: ${context.container.args.join(" ")}`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  context.log("warning line", "stderr");
  context.log("done");
  return { exitCode: 0, terminationMessage: "all good" };
}

describe("startKubernetesDouble with @kubernetes/client-node", () => {
  let cluster: KubernetesDouble;
  let clients: KubeClients;

  beforeAll(async () => {
    cluster = await startKubernetesDouble({ executor: echoExecutor, namespaces: [NAMESPACE] });
    clients = kubeClients(cluster);
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it("serves namespaces and a real-looking 404 Status for a missing one", async () => {
    const found = await clients.core.readNamespace({ name: NAMESPACE });
    expect(found.metadata?.name).toBe(NAMESPACE);
    expect(found.status?.phase).toBe("Active");
    const error = await clients.core.readNamespace({ name: "nope" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiException);
    const exception = error as ApiException<string>;
    expect(exception.code).toBe(404);
    const body = JSON.parse(exception.body);
    expect(body).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'namespaces "nope" not found',
      reason: "NotFound",
      details: { name: "nope", kind: "namespaces" },
      code: 404,
    });
  });

  it("creates, gets, lists with selectors and deletes pods", async () => {
    const created = await clients.core.createNamespacedPod({
      namespace: NAMESPACE,
      body: buildPod("crud-pod", { labels: { app: "crud", tier: "x" } }),
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.status?.phase).toBe("Pending");
    expect(created.spec?.containers[0]?.terminationMessagePath).toBe("/dev/termination-log");

    const duplicate = await clients.core
      .createNamespacedPod({ namespace: NAMESPACE, body: buildPod("crud-pod") })
      .catch((caught: unknown) => caught as ApiException<string>);
    expect((duplicate as ApiException<string>).code).toBe(409);
    expect(JSON.parse((duplicate as ApiException<string>).body).reason).toBe("AlreadyExists");

    const missingNamespace = await clients.core
      .createNamespacedPod({ namespace: "ghost", body: buildPod("x") })
      .catch((caught: unknown) => caught as ApiException<string>);
    expect((missingNamespace as ApiException<string>).code).toBe(404);
    expect(JSON.parse((missingNamespace as ApiException<string>).body).message).toBe('namespaces "ghost" not found');

    const generated = await clients.core.createNamespacedPod({
      namespace: NAMESPACE,
      body: { ...buildPod(""), metadata: { generateName: "kaniko-build-", labels: { app: "other" } } },
    });
    expect(generated.metadata?.name).toMatch(/^kaniko-build-[a-z0-9]{5}$/);

    const fetched = await clients.core.readNamespacedPod({ name: "crud-pod", namespace: NAMESPACE });
    expect(fetched.metadata?.uid).toBe(created.metadata?.uid);
    expect(Number(fetched.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(created.metadata?.resourceVersion));

    const byLabel = await clients.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: "app=crud,tier=x" });
    expect(byLabel.items.map((pod) => pod.metadata?.name)).toEqual(["crud-pod"]);
    const byField = await clients.core.listNamespacedPod({
      namespace: NAMESPACE,
      fieldSelector: `metadata.name=${generated.metadata?.name}`,
    });
    expect(byField.items).toHaveLength(1);
    expect(byField.metadata?.resourceVersion).toMatch(/^\d+$/);

    await waitForPhase(clients.core, NAMESPACE, "crud-pod", ["Succeeded"]);
    const deleted = await clients.core.deleteNamespacedPod({
      name: "crud-pod",
      namespace: NAMESPACE,
      gracePeriodSeconds: 0,
    });
    expect(deleted.metadata?.name).toBe("crud-pod");
    const gone = await clients.core
      .readNamespacedPod({ name: "crud-pod", namespace: NAMESPACE })
      .catch((caught: unknown) => caught);
    expect((gone as ApiException<string>).code).toBe(404);
    const again = await clients.core
      .deleteNamespacedPod({ name: "crud-pod", namespace: NAMESPACE })
      .catch((caught: unknown) => caught as ApiException<string>);
    expect((again as ApiException<string>).code).toBe(404);
    await clients.core.deleteNamespacedPod({
      name: generated.metadata?.name as string,
      namespace: NAMESPACE,
      gracePeriodSeconds: 0,
    });
  });

  it("watches a pod ADDED → MODIFIED(Running) → MODIFIED(Succeeded) from its resourceVersion", async () => {
    const created = await clients.core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("watched-pod") });
    const seen: { type: string; phase: string | undefined }[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      void clients.watch
        .watch(
          `/api/v1/namespaces/${NAMESPACE}/pods`,
          { fieldSelector: "metadata.name=watched-pod", resourceVersion: "0" },
          (type, pod: { status?: { phase?: string } }) => {
            seen.push({ type, phase: pod.status?.phase });
            if (pod.status?.phase === "Succeeded") resolve();
          },
          (error) => (error ? reject(error) : undefined),
        )
        .then((controller) => finished.finally(() => controller.abort()));
    });
    await finished;
    expect(seen[0]?.type).toBe("ADDED");
    expect(seen.some((event) => event.type === "MODIFIED" && event.phase === "Running")).toBe(true);
    expect(seen.at(-1)).toEqual({ type: "MODIFIED", phase: "Succeeded" });

    // Replaying from the creation resourceVersion shows every change, in order.
    const replayed: string[] = [];
    const controller = await clients.watch.watch(
      `/api/v1/namespaces/${NAMESPACE}/pods`,
      { fieldSelector: "metadata.name=watched-pod", resourceVersion: created.metadata?.resourceVersion },
      (_type, pod: { status?: { phase?: string } }) => replayed.push(pod.status?.phase ?? ""),
      () => {},
    );
    for (let waited = 0; replayed.at(-1) !== "Succeeded" && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort();
    expect(replayed).toContain("Running");
    expect(replayed.at(-1)).toBe("Succeeded");

    const pod = await clients.core.readNamespacedPod({ name: "watched-pod", namespace: NAMESPACE });
    const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated).toMatchObject({ exitCode: 0, reason: "Completed", message: "all good" });
    expect(terminated?.startedAt).toBeInstanceOf(Date);
    expect(pod.status?.conditions?.find((condition) => condition.type === "PodScheduled")?.status).toBe("True");

    const events = await clients.core.listNamespacedEvent({
      namespace: NAMESPACE,
      fieldSelector: "involvedObject.name=watched-pod",
    });
    expect(events.items.map((event) => event.reason)).toEqual(["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
    expect(events.items[0]?.involvedObject.uid).toBe(created.metadata?.uid);
  });

  it("ends a watch at timeoutSeconds and when the server ends watches", async () => {
    const started = Date.now();
    await new Promise<void>((resolve) => {
      void clients.watch.watch(
        `/api/v1/namespaces/${NAMESPACE}/pods`,
        { timeoutSeconds: 1 },
        () => {},
        () => resolve(),
      );
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    let endedWith: unknown = "still open";
    const ended = new Promise<unknown>((resolve) => {
      void clients.watch.watch(`/api/v1/namespaces/${NAMESPACE}/pods`, {}, () => {}, resolve);
    }).then((value) => {
      endedWith = value;
    });
    // The watch may not be registered yet on a busy machine: end watches until this one has ended.
    for (let waited = 0; endedWith === "still open" && waited < 5000; waited += 50) {
      cluster.endWatches();
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
    expect(endedWith).toBeNull();
  });

  it("answers logs 400 before the container starts, then follows them until it terminates", async () => {
    cluster.addFaults({ slowStart: { ms: 300, pods: "next" } });
    await clients.core.createNamespacedPod({
      namespace: NAMESPACE,
      body: buildPod("logged-pod", { args: ["--verbosity=info"] }),
    });
    await cluster.waitForPod((pod) => pod.metadata.name === "logged-pod" && pod.spec.nodeName !== undefined);
    const early = await clients.log
      .log(NAMESPACE, "logged-pod", "kaniko", collector().stream, { follow: true })
      .catch((caught: unknown) => caught);
    expect((early as ApiException<unknown>).code).toBe(400);
    const raw = await fetch(`${cluster.url}/api/v1/namespaces/${NAMESPACE}/pods/logged-pod/log?container=kaniko`);
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({
      kind: "Status",
      reason: "BadRequest",
      message: 'container "kaniko" in pod "logged-pod" is waiting to start: ContainerCreating',
    });

    await cluster.waitForPod((pod) => pod.metadata.name === "logged-pod" && pod.status.phase !== "Pending");
    const out = collector();
    await clients.log.log(NAMESPACE, "logged-pod", "kaniko", out.stream, { follow: true });
    await out.ended;
    expect(out.text()).toBe("hello from logged-pod\nargs: --verbosity=info\nwarning line\ndone\n");

    const after = await fetch(
      `${cluster.url}/api/v1/namespaces/${NAMESPACE}/pods/logged-pod/log?tailLines=1&timestamps=true`,
    );
    expect(await after.text()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z done\n$/);
  });

  it("answers unknown routes with a 404 Status", async () => {
    const response = await fetch(`${cluster.url}/apis/apps/v1/deployments`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
  });

  it("exposes pods() and events() as copies", async () => {
    const pods = cluster.pods(NAMESPACE);
    expect(pods.length).toBeGreaterThan(0);
    (pods[0] as { metadata: { name?: string } }).metadata.name = "mutated";
    expect(cluster.pods(NAMESPACE).some((pod) => pod.metadata.name === "mutated")).toBe(false);
    expect(cluster.events(NAMESPACE).length).toBeGreaterThan(0);
  });
});

describe("startKubernetesDouble with no options: a plain cluster", () => {
  let cluster: KubernetesDouble;
  let clients: KubeClients;

  beforeAll(async () => {
    cluster = await startKubernetesDouble();
    clients = kubeClients(cluster);
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it("has only the namespaces every cluster has; another one is NotFound until added", async () => {
    const list = await clients.core.listNamespace();
    expect(list.items.map((item) => item.metadata?.name)).toEqual([...CLUSTER_NAMESPACES]);
    const read = await clients.core.readNamespace({ name: "zenml-kaniko" }).catch((caught: unknown) => caught);
    expect((read as ApiException<string>).code).toBe(404);
    const created = await clients.core
      .createNamespacedPod({ namespace: "zenml-kaniko", body: buildPod("nowhere") })
      .catch((caught: unknown) => caught);
    expect((created as ApiException<string>).code).toBe(404);
    expect(JSON.parse((created as ApiException<string>).body)).toMatchObject({
      kind: "Status",
      reason: "NotFound",
      message: 'namespaces "zenml-kaniko" not found',
      details: { name: "zenml-kaniko", kind: "namespaces" },
    });
    cluster.addNamespace("zenml-kaniko");
    expect((await clients.core.readNamespace({ name: "zenml-kaniko" })).status?.phase).toBe("Active");
  });

  it("runs a pod's container as a generic one: exit 0 after a short run, no log, no termination message", async () => {
    await clients.core.createNamespacedPod({ namespace: "default", body: buildPod("generic", { stdin: false }) });
    const pod = await waitForPhase(clients.core, "default", "generic", ["Succeeded", "Failed"]);
    expect(pod.status?.phase).toBe("Succeeded");
    const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(terminated?.message).toBeUndefined();
    expect(cluster.logs("default", "generic")).toBe("");
  });
});

describe("the generic container", () => {
  it("does not wait for stdin: with a client attached that never ends it, the container exits 0 after its run", async () => {
    const cluster = await startKubernetesDouble({ executor: createGenericContainer({ runMs: 1_000 }) });
    try {
      const { core, attach } = kubeClients(cluster);
      await core.createNamespacedPod({ namespace: "default", body: buildPod("generic-stdin") });
      await waitForPhase(core, "default", "generic-stdin", ["Running"]);
      const stdin = stdinStream();
      const ws = await attach.attach("default", "generic-stdin", "kaniko", null, null, stdin, false);
      const closed = socketClosed(ws);
      stdin.write(Buffer.alloc(256 * 1024, 1));
      const pod = await waitForPhase(core, "default", "generic-stdin", ["Succeeded", "Failed"]);
      expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0 });
      expect((await closed).code).toBe(1000);
    } finally {
      await cluster.stop();
    }
  });
});
