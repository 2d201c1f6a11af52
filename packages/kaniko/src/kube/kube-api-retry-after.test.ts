import type { KubernetesDouble } from "@flavorstack/testing";
import { afterEach, describe, expect, it } from "vitest";
import { heldExecutor, TEST_NAMESPACE as NAMESPACE, startDoubleWithPod } from "../test-support/double-with-pod.js";
import { KubeApiError, namespacedPath, parseRetryAfter } from "./kube-api.js";

let cluster: KubernetesDouble | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const PODS = namespacedPath(NAMESPACE, "pods");

describe("Retry-After on 429 and 503", () => {
  it("waits as long as the server asks, then sends the call again", async () => {
    const started = await startDoubleWithPod(heldExecutor().executor, {
      apiErrors: [
        { verb: "list", status: 429, retryAfterSeconds: 1, times: 1 },
        { verb: "list", status: 503, retryAfterSeconds: 1, times: 1 },
      ],
    });
    cluster = started.cluster;
    const before = Date.now();
    const list = await started.api.request<{ items: unknown[] }>("GET", PODS);
    expect(list.items).toHaveLength(1);
    expect(Date.now() - before).toBeGreaterThanOrEqual(1900);
  });

  it("does not retry an error without Retry-After, nor past its retry limit", async () => {
    const started = await startDoubleWithPod(heldExecutor().executor, {
      apiErrors: [{ verb: "list", status: 429, times: 1 }],
    });
    cluster = started.cluster;
    const error = await started.api.request("GET", PODS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).code).toBe(429);
    cluster.setFaults({ apiErrors: [{ verb: "list", status: 429, retryAfterSeconds: 0 }] });
    const limited = await started.api.request("GET", PODS).catch((caught: unknown) => caught);
    expect((limited as KubeApiError).retryAfterSeconds).toBe(0);
  });

  it("stops waiting when the caller aborts", async () => {
    const started = await startDoubleWithPod(heldExecutor().executor, {
      apiErrors: [{ verb: "list", status: 503, retryAfterSeconds: 60 }],
    });
    cluster = started.cluster;
    const controller = new AbortController();
    const before = Date.now();
    setTimeout(() => controller.abort(new Error("build cancelled")), 200);
    await expect(started.api.request("GET", PODS, { signal: controller.signal })).rejects.toThrow("build cancelled");
    expect(Date.now() - before).toBeLessThan(2000);
  });

  it("reads delta-seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
