import type { KubernetesDouble, KubernetesDoubleFaults, KubernetesDoubleOptions } from "@flavorstack/testing";
import type { V1Pod } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import {
  heldExecutor,
  TEST_NAMESPACE as NAMESPACE,
  startDoubleWithPod,
  until,
} from "../test-support/double-with-pod.js";
import type { KubeApi } from "./kube-api.js";
import { PodWaitTimeoutError, watchPod } from "./pod-watcher.js";

let cluster: KubernetesDouble | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const succeeded = (pod: V1Pod) => (pod.status?.phase === "Succeeded" ? pod.status.phase : undefined);

interface Recorded {
  /** The resourceVersion of each watch sent (undefined: none). */
  watchesFrom: (string | undefined)[];
  lists: number;
  bookmarks: string[];
  errors: number[];
}

/**
 * The double with pod `p` held running, and its real client with what it sends and receives recorded (the
 * calls still go to the double).
 */
async function start(
  faults: KubernetesDoubleFaults = {},
  options: Omit<KubernetesDoubleOptions, "executor" | "faults" | "namespaces"> = {},
): Promise<{ api: KubeApi; release: () => void; recorded: Recorded; double: KubernetesDouble }> {
  const held = heldExecutor();
  const started = await startDoubleWithPod(held.executor, faults, options);
  cluster = started.cluster;
  const recorded: Recorded = { watchesFrom: [], lists: 0, bookmarks: [], errors: [] };
  const api: KubeApi = {
    ...started.api,
    request: (method, path, requestOptions) => {
      if (method === "GET" && requestOptions?.query?.fieldSelector) recorded.lists += 1;
      return started.api.request(method, path, requestOptions);
    },
    watch: (path, query, onEvent, signal) => {
      recorded.watchesFrom.push(query.resourceVersion as string | undefined);
      return started.api.watch(
        path,
        query,
        (type, object) => {
          const version = (object as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
          if (type === "BOOKMARK" && version) recorded.bookmarks.push(version);
          if (type === "ERROR") recorded.errors.push((object as { code: number }).code);
          onEvent(type, object);
        },
        signal,
      );
    },
  };
  return { api, release: held.release, recorded, double: started.cluster };
}

const waitOptions = { namespace: NAMESPACE, name: "p", signal: new AbortController().signal, decide: succeeded };

describe("watchPod resuming, as client-go's reflector does", () => {
  it.for([
    { as: "an ERROR event", expiredAs: "event" as const, errorEvents: [410] },
    { as: "the watch's HTTP answer", expiredAs: "status" as const, errorEvents: [] },
  ])(
    "lists again after a 410 Gone as $as (history compacted), then watches from the list's version",
    async ({ expiredAs, errorEvents }) => {
      const { api, release, recorded, double } = await start({}, { watch: { expiredAs } });
      await double.waitForPod((pod) => pod.status.phase === "Running");
      const wait = watchPod({ ...waitOptions, api, watchTimeoutSeconds: 240 });
      await until(() => recorded.watchesFrom.length === 1, "the first watch");
      // other writes move the cluster's resourceVersion past the one watched from, then history is compacted
      double.createSecret(NAMESPACE, "unrelated", { key: "value" });
      double.compact();
      double.endWatches();
      await until(() => recorded.watchesFrom.length >= 3, "the watch after the relist");
      release();
      await expect(wait).resolves.toBe("Succeeded");
      expect(recorded.errors).toEqual(errorEvents);
      expect(recorded.lists).toBe(2);
      // the re-watch from the old version got the 410; the one after the relist is from the newer list version
      expect(recorded.watchesFrom[1]).toBe(recorded.watchesFrom[0]);
      expect(Number(recorded.watchesFrom[2])).toBeGreaterThan(Number(recorded.watchesFrom[0]));
    },
  );

  it("resumes from a bookmark's version, which outlives a compaction, without listing again", async () => {
    const { api, release, recorded, double } = await start({}, { watch: { bookmarkIntervalMs: 20 } });
    await double.waitForPod((pod) => pod.status.phase === "Running");
    const wait = watchPod({ ...waitOptions, api, watchTimeoutSeconds: 240 });
    double.createSecret(NAMESPACE, "unrelated", { key: "value" });
    const bookmarksBefore = recorded.bookmarks.length;
    await until(() => recorded.bookmarks.length >= bookmarksBefore + 2, "two bookmarks after a write");
    double.compact();
    double.endWatches();
    await until(() => recorded.watchesFrom.length >= 2, "the second watch");
    expect(recorded.watchesFrom[1]).toBe(recorded.bookmarks.at(-1));
    release();
    await expect(wait).resolves.toBe("Succeeded");
    expect(recorded.lists).toBe(1);
    expect(recorded.errors).toEqual([]);
  });

  it("abandons a watch silent past its time limit plus the margin, and watches again", async () => {
    const { api, release, recorded } = await start({ silentWatches: { times: 1 } });
    const started = Date.now();
    const wait = watchPod({ ...waitOptions, api, watchTimeoutSeconds: 1 });
    setTimeout(release, 300);
    await expect(wait).resolves.toBe("Succeeded");
    // the silent watch's limit (1 s, spread up to 1.25 s) plus the 1 s margin
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(recorded.watchesFrom.length).toBe(2);
  }, 15_000);

  it("waits out a Retry-After on the watch instead of counting it as a failure", async () => {
    const { api, release, recorded } = await start({
      apiErrors: [{ verb: "watch", status: 429, retryAfterSeconds: 1, times: 2 }],
    });
    const started = Date.now();
    const wait = watchPod({ ...waitOptions, api, watchTimeoutSeconds: 240 });
    setTimeout(release, 100);
    await expect(wait).resolves.toBe("Succeeded");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(recorded.watchesFrom.length).toBe(1);
  });

  it("goes on through watches the server ends at once and 410s, until its own time limit (no give-up)", async () => {
    const { api, recorded, double } = await start({}, { watch: { compactEveryMs: 20 } });
    await double.waitForPod((pod) => pod.status.phase === "Running");
    // writes that move the resourceVersion on, so that compaction makes every resumed watch 410
    let writes = 0;
    const writer = setInterval(() => {
      writes += 1;
      double.createSecret(NAMESPACE, `write-${writes}`, { key: "v" });
    }, 15);
    const ender = setInterval(() => double.endWatches(), 30);
    try {
      const wait = watchPod({ ...waitOptions, api, watchTimeoutSeconds: 240, timeoutMs: 8000 });
      await expect(wait).rejects.toBeInstanceOf(PodWaitTimeoutError);
    } finally {
      clearInterval(writer);
      clearInterval(ender);
    }
    // more attempts than the 5 failures tolerated (backing off up to 2 s), rather than a tight loop
    expect(recorded.watchesFrom.length).toBeGreaterThan(6);
    expect(recorded.watchesFrom.length).toBeLessThan(40);
  }, 15_000);
});
