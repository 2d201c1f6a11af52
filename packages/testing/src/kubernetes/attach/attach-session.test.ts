import { createHash } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  buildPod,
  collector,
  kubeClients,
  socketClosed,
  stdinStream,
  waitForPhase,
} from "../../test-support/kube-clients.js";
import type { ExecutorContext, ExecutorResult } from "../kubelet/executor.js";
import { type KubernetesDouble, startKubernetesDouble } from "../start-kubernetes-double.js";

const NAMESPACE = "default";

/** Reads stdin to EOF, then reports what it got (on the log and in the termination message). */
async function countingExecutor(context: ExecutorContext): Promise<ExecutorResult> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of context.stdin) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  const summary = `stdin EOF after ${bytes} bytes sha256=${hash.digest("hex")}`;
  context.log(summary);
  context.log("a warning", "stderr");
  return { exitCode: 0, terminationMessage: summary };
}

describe("attach", () => {
  let cluster: KubernetesDouble | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it("under v5 sends stdin, signals EOF with [255, 0] and delivers output and the status on the same socket", async () => {
    cluster = await startKubernetesDouble({ executor: countingExecutor });
    const { core, attach } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("v5-pod") });
    await waitForPhase(core, NAMESPACE, "v5-pod", ["Running"]);
    const stdin = stdinStream();
    const stdout = collector();
    const stderr = collector();
    const ws = await attach.attach(NAMESPACE, "v5-pod", "kaniko", stdout.stream, stderr.stream, stdin, false);
    expect(ws.protocol).toBe("v5.channel.k8s.io");
    stdin.write("hello ");
    stdin.end("world");
    await Promise.all([stdout.ended, stderr.ended]);
    // The output came back on the still-open socket: the EOF was the v5 close frame, not a closed socket.
    const expected = `stdin EOF after 11 bytes sha256=${createHash("sha256").update("hello world").digest("hex")}`;
    expect(stdout.text()).toBe(`${expected}\n`);
    expect(stderr.text()).toBe("a warning\n");
    expect((await socketClosed(ws)).code).toBe(1000);
    const pod = await waitForPhase(core, NAMESPACE, "v5-pod", ["Succeeded"]);
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.message).toBe(expected);
  });

  it("with v4 only (clusters before 1.30), the client closes the socket at EOF and the executor sees EOF", async () => {
    cluster = await startKubernetesDouble({ executor: countingExecutor, attachProtocols: ["v4.channel.k8s.io"] });
    const { core, attach } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("v4-pod") });
    await waitForPhase(core, NAMESPACE, "v4-pod", ["Running"]);
    const stdin = stdinStream();
    const ws = await attach.attach(NAMESPACE, "v4-pod", "kaniko", collector().stream, collector().stream, stdin, false);
    expect(ws.protocol).toBe("v4.channel.k8s.io");
    stdin.end("four");
    await socketClosed(ws);
    const pod = await waitForPhase(core, NAMESPACE, "v4-pod", ["Succeeded"]);
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.message).toMatch(/^stdin EOF after 4 bytes/);
  });

  it("without stdinOnce, a client's EOF does not close the container's stdin", async () => {
    cluster = await startKubernetesDouble({ executor: countingExecutor });
    const { core, attach } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("no-once-pod", { stdinOnce: false }) });
    await waitForPhase(core, NAMESPACE, "no-once-pod", ["Running"]);
    const stdin = stdinStream();
    const ws = await attach.attach(NAMESPACE, "no-once-pod", "kaniko", collector().stream, null, stdin, false);
    stdin.end("data");
    await delay(100);
    expect((await core.readNamespacedPod({ name: "no-once-pod", namespace: NAMESPACE })).status?.phase).toBe("Running");
    ws.close();
    await core.deleteNamespacedPod({ name: "no-once-pod", namespace: NAMESPACE, gracePeriodSeconds: 0 });
  });

  it("applies backpressure: the client's bufferedAmount grows while the executor does not read", async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let executorStdin: ExecutorContext["stdin"] | undefined;
    cluster = await startKubernetesDouble({
      executor: async (context) => {
        executorStdin = context.stdin;
        await released;
        let bytes = 0;
        for await (const chunk of context.stdin) bytes += (chunk as Buffer).length;
        return { exitCode: 0, terminationMessage: String(bytes) };
      },
    });
    const { core, attach } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("slow-reader") });
    await waitForPhase(core, NAMESPACE, "slow-reader", ["Running"]);
    const stdin = stdinStream();
    const ws = await attach.attach(NAMESPACE, "slow-reader", "kaniko", collector().stream, null, stdin, false);
    const chunk = Buffer.alloc(256 * 1024, 7);
    const total = 64 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += chunk.length) stdin.write(chunk);
    stdin.end();
    await delay(300);
    // Nothing is read: the server paused the socket, so the data stays on the client side.
    expect(ws.bufferedAmount).toBeGreaterThan(16 * 1024 * 1024);
    // ... and the server holds no more than its stdin high-water mark plus a frame or two.
    expect(executorStdin?.readableLength).toBeLessThanOrEqual(1024 * 1024);
    release();
    const pod = await waitForPhase(core, NAMESPACE, "slow-reader", ["Succeeded"], 30_000);
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.message).toBe(String(total));
  }, 40_000);

  it("refuses an attach before the container runs with a 400 (client-node rejects with an ErrorEvent)", async () => {
    cluster = await startKubernetesDouble({ executor: countingExecutor, faults: { slowStart: { ms: 2000 } } });
    const { core, attach } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("early-attach") });
    await cluster.waitForPod((pod) => pod.metadata.name === "early-attach" && pod.spec.nodeName !== undefined);
    const error = await attach
      .attach(NAMESPACE, "early-attach", "kaniko", collector().stream, null, stdinStream(), false)
      .catch((caught: unknown) => caught);
    expect(String((error as { message?: string }).message)).toContain("Unexpected server response: 400");
    const raw = await fetch(`${cluster.url}/api/v1/namespaces/${NAMESPACE}/pods/early-attach/attach?stdin=true`, {
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    }).catch(() => undefined);
    if (raw) expect(raw.status).toBe(400);
  });

  it("sends a kubelet-like Failure status with the exit code and never sends channel 255", async () => {
    cluster = await startKubernetesDouble({
      executor: async (context) => {
        for await (const _chunk of context.stdin) {
          // read to EOF
        }
        context.log("boom", "stderr");
        return { exitCode: 3 };
      },
    });
    const { core } = kubeClients(cluster);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: buildPod("failing-pod") });
    await waitForPhase(core, NAMESPACE, "failing-pod", ["Running"]);
    const url = `${cluster.url.replace("http", "ws")}/api/v1/namespaces/${NAMESPACE}/pods/failing-pod/attach?container=kaniko&stdin=true&stdout=true&stderr=true&tty=false`;
    const ws = new WebSocket(url, ["v5.channel.k8s.io", "v4.channel.k8s.io"]);
    const frames: Buffer[] = [];
    ws.on("message", (data: Buffer) => frames.push(data));
    await new Promise((resolve) => ws.on("open", resolve));
    expect(ws.protocol).toBe("v5.channel.k8s.io");
    ws.send(Buffer.from([0, 65, 66]));
    ws.send(Buffer.from([255, 0]));
    const closed = await new Promise<number>((resolve) => ws.on("close", resolve));
    expect(closed).toBe(1000);
    expect(frames.map((frame) => frame[0])).toEqual([2, 3]);
    expect(frames[0]?.subarray(1).toString()).toBe("boom\n");
    expect(JSON.parse(frames[1]?.subarray(1).toString() ?? "")).toEqual({
      metadata: {},
      status: "Failure",
      message: "command terminated with non-zero exit code: error executing command [attach], exit code 3",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
    const pod = await waitForPhase(core, NAMESPACE, "failing-pod", ["Failed"]);
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
  });
});
