import { once } from "node:events";
import net, { type AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { Executor, KubernetesDouble, KubernetesDoubleFaults } from "@flavorstack/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createRedactor } from "../build/redact.js";
import {
  doubleApi,
  heldExecutor,
  TEST_NAMESPACE as NAMESPACE,
  startDoubleWithPod,
  TEST_CONTAINER,
  TEST_POD,
  until,
} from "../test-support/double-with-pod.js";
import { type KubeApi, namespacedPath } from "./kube-api.js";
import { LogFollower } from "./log-follower.js";

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

async function startWithPod(executor: Executor, faults: KubernetesDoubleFaults = {}): Promise<KubernetesDouble> {
  cluster = (await startDoubleWithPod(executor, faults)).cluster;
  return cluster;
}

function follower(api: KubeApi, lines: string[]): LogFollower {
  return new LogFollower({
    api,
    namespace: NAMESPACE,
    podName: TEST_POD,
    container: TEST_CONTAINER,
    onLine: (line) => lines.push(line),
    redact: createRedactor([]),
    retryMs: 10,
  });
}

describe("LogFollower against the Kubernetes double", () => {
  it("re-follows a broken log without repeating lines", async () => {
    const { executor, release } = heldExecutor(["first", "second"], ["third"]);
    const double = await startWithPod(executor);
    const relay = await startRelay(double.url);
    const lines: string[] = [];
    const following = follower(doubleApi(double, relay.url), lines);
    following.start();
    await until(() => lines.length === 2, "the first two lines");
    relay.cut();
    release();
    await following.finish(5000);
    expect(lines).toEqual(["first", "second", "third"]);
  });

  it("stops at a refusal that will not pass (403) instead of retrying", async () => {
    const { executor, release } = heldExecutor(["hello"], []);
    cleanups.push(release);
    const double = await startWithPod(executor, { apiErrors: [{ verb: "log", status: 403, times: 1 }] });
    await until(() => (double.logs(NAMESPACE, TEST_POD) ?? "").includes("hello"), "the executor's log");
    const lines: string[] = [];
    const refused = follower(doubleApi(double), lines);
    refused.start();
    // Retrying would have asked again within 10 ms (retryMs) many times over, and got the log.
    await new Promise((resolve) => setTimeout(resolve, 300));
    refused.stop();
    expect(lines).toEqual([]);
    // The one 403 was served to the follower: the next request gets the log.
    let text = "";
    await doubleApi(double).stream(
      namespacedPath(NAMESPACE, "pods", TEST_POD, "log"),
      { container: TEST_CONTAINER },
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
