import { afterEach, describe, expect, it } from "vitest";
import { buildPod } from "../../test-support/kube-clients.js";
import type { ExecutorContext } from "../kubelet/executor.js";
import type { KubernetesDoubleOptions } from "../kubernetes-double-options.js";
import { type KubernetesDouble, startKubernetesDouble } from "../start-kubernetes-double.js";

let cluster: KubernetesDouble | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const PODS = "/api/v1/namespaces/default/pods";

async function start(options: KubernetesDoubleOptions = {}): Promise<KubernetesDouble> {
  cluster = await startKubernetesDouble(options);
  return cluster;
}

async function createPod(double: KubernetesDouble, name: string): Promise<{ resourceVersion: string }> {
  const response = await fetch(`${double.url}${PODS}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(buildPod(name, { stdin: false })),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { metadata: { resourceVersion: string } }).metadata;
}

type Event = { type: string; object: Record<string, unknown> };

/** The events of a watch until the server ends it, or until `enough` says so. */
async function watchEvents(
  double: KubernetesDouble,
  query: string,
  enough: (events: Event[]) => boolean = () => false,
): Promise<Event[]> {
  const controller = new AbortController();
  const response = await fetch(`${double.url}${PODS}?watch=true&${query}`, { signal: controller.signal });
  expect(response.status).toBe(200);
  const events: Event[] = [];
  let buffer = "";
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line) events.push(JSON.parse(line));
      if (enough(events)) break;
    }
  } finally {
    controller.abort();
  }
  return events;
}

describe("the double's watch knobs", () => {
  it("answers a watch from a compacted resourceVersion with an ERROR event carrying a 410 Expired Status", async () => {
    const double = await start();
    const { resourceVersion } = await createPod(double, "a");
    await createPod(double, "b");
    double.compact();
    const events = await watchEvents(double, `resourceVersion=${resourceVersion}`);
    expect(events).toEqual([
      {
        type: "ERROR",
        object: expect.objectContaining({ kind: "Status", code: 410, reason: "Expired" }) as never,
      },
    ]);
    expect(String(events[0]?.object.message)).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it("answers HTTP 410 instead with expiredAs: status, and serves a watch from the current version", async () => {
    const double = await start({ watch: { expiredAs: "status" } });
    const { resourceVersion } = await createPod(double, "a");
    await createPod(double, "b");
    double.compact();
    // the kubelet moves the pods on meanwhile: the current version is the list's
    const list = (await (await fetch(`${double.url}${PODS}`)).json()) as { metadata: { resourceVersion: string } };
    const refused = await fetch(`${double.url}${PODS}?watch=true&resourceVersion=${resourceVersion}`);
    expect(refused.status).toBe(410);
    expect(await refused.json()).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
    const served = await fetch(
      `${double.url}${PODS}?watch=true&timeoutSeconds=1&resourceVersion=${list.metadata.resourceVersion}`,
    );
    expect(served.status).toBe(200);
    await served.text();
  });

  it("sends BOOKMARK events with the current resourceVersion only to watches that allow them", async () => {
    const double = await start({ watch: { bookmarkIntervalMs: 20 } });
    const { resourceVersion } = await createPod(double, "a");
    const events = await watchEvents(double, `allowWatchBookmarks=true&resourceVersion=${resourceVersion}`, (seen) =>
      seen.some((event) => event.type === "BOOKMARK"),
    );
    expect(events.map((event) => event.type)).toContain("BOOKMARK");
    const bookmark = events.find((event) => event.type === "BOOKMARK") as Event;
    expect(bookmark.object).toMatchObject({ kind: "Pod", apiVersion: "v1" });
    const bookmarked = (bookmark.object.metadata as { resourceVersion: string }).resourceVersion;
    expect(Number(bookmarked)).toBeGreaterThanOrEqual(Number(resourceVersion));
    const plain = await watchEvents(
      double,
      `timeoutSeconds=1&resourceVersion=${double.pods()[0]?.metadata.resourceVersion}`,
    );
    expect(plain.map((event) => event.type)).not.toContain("BOOKMARK");
  });

  it("keeps a watch silent, past its timeoutSeconds, under the silentWatches fault", async () => {
    const double = await start({ faults: { silentWatches: { times: 1 } } });
    await createPod(double, "a");
    const controller = new AbortController();
    const response = await fetch(`${double.url}${PODS}?watch=true&timeoutSeconds=1`, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await Promise.race([
      reader.read().then(() => "data or end" as const),
      new Promise<"silent">((resolve) => setTimeout(() => resolve("silent"), 1500)),
    ]);
    controller.abort();
    expect(first).toBe("silent");
    // used up: the next watch is served
    expect((await watchEvents(double, "timeoutSeconds=1", (seen) => seen.length > 0))[0]?.type).toBe("ADDED");
  });

  it("sends Retry-After with an injected 429", async () => {
    const double = await start({
      faults: { apiErrors: [{ verb: "list", status: 429, retryAfterSeconds: 2, times: 1 }] },
    });
    const response = await fetch(`${double.url}${PODS}`);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(await response.json()).toMatchObject({ reason: "TooManyRequests", details: { retryAfterSeconds: 2 } });
    expect((await fetch(`${double.url}${PODS}`)).status).toBe(200);
  });
});

describe("the double's log knobs", () => {
  const lines = (count: number) => async (context: ExecutorContext) => {
    for (let index = 1; index <= count; index += 1) {
      context.log(`line ${index}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { exitCode: 0 };
  };

  async function logAfterLines(double: KubernetesDouble, count: number, query: string): Promise<string> {
    await double.waitForPod(
      (pod) => (double.logs("default", pod.metadata.name as string) ?? "").split("\n").length > count,
    );
    const response = await fetch(`${double.url}${PODS}/p/log?${query}`);
    expect(response.status).toBe(200);
    return response.text();
  }

  it("serves only the current file after a log rotation", async () => {
    const double = await start({ executor: lines(7), faults: { logRotation: { everyLines: 3 } } });
    await createPod(double, "p");
    expect(await logAfterLines(double, 7, "")).toBe("line 7\n");
  });

  it("serves timestamps and the lines from sinceTime's whole second on", async () => {
    const double = await start({ executor: lines(4) });
    await createPod(double, "p");
    const stamped = (await logAfterLines(double, 4, "timestamps=true")).trimEnd().split("\n");
    expect(stamped).toHaveLength(4);
    for (const line of stamped) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line \d$/);
    const lastTime = (stamped[3] as string).split(" ")[0] as string;
    const since = await logAfterLines(double, 4, `timestamps=true&sinceTime=${encodeURIComponent(lastTime)}`);
    const wholeSecond = stamped.filter((line) => line.slice(0, 19) === lastTime.slice(0, 19));
    expect(since.trimEnd().split("\n")).toEqual(wholeSecond);
    const future = await fetch(`${double.url}${PODS}/p/log?sinceTime=2999-01-01T00:00:00Z`);
    expect(await future.text()).toBe("");
    expect((await fetch(`${double.url}${PODS}/p/log?sinceTime=yesterday`)).status).toBe(400);
  });
});
