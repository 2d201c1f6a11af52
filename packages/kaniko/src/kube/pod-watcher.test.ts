import type { V1Pod } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { fakeApiServer } from "../test-support/fake-api-server.js";
import { PodGoneError, watchPod } from "./pod-watcher.js";

const pending = { metadata: { name: "p", resourceVersion: "1" }, status: { phase: "Pending" } };
const succeeded = { metadata: { name: "p", resourceVersion: "3" }, status: { phase: "Succeeded" } };
let stopServer = () => {};
afterEach(() => stopServer());

describe("watchPod", () => {
  it("backs off on watch ERROR events and gives up, instead of re-watching in a tight loop", async () => {
    const server = await fakeApiServer((url, response) => {
      if (url.searchParams.get("watch")) {
        response.end(
          `${JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 500, message: "etcd is sad" } })}\n`,
        );
      } else {
        response.setHeader("Content-Type", "application/json").end(JSON.stringify(pending));
      }
    });
    stopServer = server.stop;
    const started = Date.now();
    const wait = watchPod({
      api: server.api,
      namespace: "ns",
      name: "p",
      signal: new AbortController().signal,
      decide: (pod) => (pod.status?.phase === "Succeeded" ? pod : undefined),
    });
    await expect(wait).rejects.toThrow(/Watching pod ns\/p failed 6 times in a row: HTTP 500: etcd is sad/);
    expect(server.requests.length).toBeLessThan(20);
    expect(Date.now() - started).toBeGreaterThan(1000);
  }, 15_000);

  it("takes a deleted pod's final state when it is what the wait wants", async () => {
    const server = await fakeApiServer((url, response) => {
      if (url.searchParams.get("watch")) {
        response.end(`${JSON.stringify({ type: "DELETED", object: succeeded })}\n`);
      } else {
        response.setHeader("Content-Type", "application/json").end(JSON.stringify(pending));
      }
    });
    stopServer = server.stop;
    const decide = (pod: V1Pod) => (pod.status?.phase === "Succeeded" ? pod.status.phase : undefined);
    const options = { api: server.api, namespace: "ns", name: "p", signal: new AbortController().signal };
    await expect(watchPod({ ...options, decide })).resolves.toBe("Succeeded");
    await expect(watchPod({ ...options, decide: () => undefined })).rejects.toBeInstanceOf(PodGoneError);
  });
});
