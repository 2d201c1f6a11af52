import { once } from "node:events";
import net, { type AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { type Executor, type KubernetesDouble, startKubernetesDouble } from "@flavorstack/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createRedactor } from "../build/redact.js";
import { createKubeApi, type KubeApi, namespacedPath } from "./kube-api.js";
import { LeanKubeConfig } from "./lean-kube-config.js";
import { LogFollower } from "./log-follower.js";

const NAMESPACE = "ns";
let cluster: KubernetesDouble | undefined;
let cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
  await cluster?.stop();
  cluster = undefined;
});

/** A TCP relay in front of the double whose connections can be cut: the network dropping the log stream. */
async function startRelay(target: string): Promise<{ url: string; cut: () => void }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  relay.listen(0, "127.0.0.1");
  await once(relay, "listening");
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  cleanups.push(() => {
    cut();
    relay.close();
  });
  return { url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`, cut };
}

/** Logs `before`, waits for `release()`, logs `after`, exits 0. */
function loggingExecutor(before: string[], after: string[]): { executor: Executor; release: () => void } {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const executor: Executor = async ({ log, signal }) => {
    for (const line of before) log(line);
    await Promise.race([released, new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))]);
    for (const line of after) log(line);
    return { exitCode: 0 };
  };
  return { executor, release };
}

async function startWithPod(executor: Executor, faults = {}): Promise<KubernetesDouble> {
  cluster = await startKubernetesDouble({ namespaces: [NAMESPACE], executor, faults });
  await api(cluster.kubeconfig).request("POST", namespacedPath(NAMESPACE, "pods"), {
    body: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { restartPolicy: "Never", containers: [{ name: "kaniko", image: "busybox" }] },
    },
  });
  return cluster;
}

function api(kubeconfig: string): KubeApi {
  return createKubeApi(LeanKubeConfig.fromString(kubeconfig));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("LogFollower against the Kubernetes double", () => {
  it("re-follows a broken log without repeating lines", async () => {
    const { executor, release } = loggingExecutor(["first", "second"], ["third"]);
    const double = await startWithPod(executor);
    const relay = await startRelay(double.url);
    const lines: string[] = [];
    const follower = new LogFollower({
      api: api(double.kubeconfig.replaceAll(double.url, relay.url)),
      namespace: NAMESPACE,
      podName: "p",
      container: "kaniko",
      onLine: (line) => lines.push(line),
      redact: createRedactor([]),
      retryMs: 10,
    });
    follower.start();
    await until(() => lines.length === 2, "the first two lines");
    relay.cut();
    release();
    await follower.finish(5000);
    expect(lines).toEqual(["first", "second", "third"]);
  });

  it("stops at a refusal that will not pass (403) instead of retrying", async () => {
    const { executor, release } = loggingExecutor(["hello"], []);
    cleanups.push(release);
    const double = await startWithPod(executor, { apiErrors: [{ verb: "log", status: 403, times: 1 }] });
    await until(() => (double.logs(NAMESPACE, "p") ?? "").includes("hello"), "the executor's log");
    const lines: string[] = [];
    const refused = new LogFollower({
      api: api(double.kubeconfig),
      namespace: NAMESPACE,
      podName: "p",
      container: "kaniko",
      onLine: (line) => lines.push(line),
      redact: createRedactor([]),
      retryMs: 10,
    });
    refused.start();
    // Retrying would have asked again within 10 ms (retryMs) many times over, and got the log.
    await new Promise((resolve) => setTimeout(resolve, 300));
    refused.stop();
    expect(lines).toEqual([]);
    // The one 403 was served to the follower: the next request gets the log.
    let text = "";
    await api(double.kubeconfig).stream(
      namespacedPath(NAMESPACE, "pods", "p", "log"),
      { container: "kaniko" },
      new Writable({
        write: (chunk, _encoding, callback) => {
          text += chunk;
          callback();
        },
      }),
      new AbortController().signal,
    );
    expect(text).toBe("hello\n");
  });
});
