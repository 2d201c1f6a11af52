import type { Executor, KubernetesDouble, KubernetesDoubleFaults } from "@flavorstack/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createRedactor } from "../build/redact.js";
import {
  TEST_NAMESPACE as NAMESPACE,
  startDoubleWithPod,
  TEST_CONTAINER,
  TEST_POD,
  until,
} from "../test-support/double-with-pod.js";
import type { KubeApi } from "./kube-api.js";
import { LogFollower, splitTimestamp } from "./log-follower.js";

let cluster: KubernetesDouble | undefined;
let release = () => {};
afterEach(async () => {
  release();
  await cluster?.stop();
  cluster = undefined;
});

/** An executor that writes the lines the test gives it, when it gives them, and exits 0 once released. */
function scriptedExecutor(): { executor: Executor; log: (line: string) => void; running: Promise<void> } {
  let log: (line: string) => void = () => {
    throw new Error("the container has not started");
  };
  let started = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const executor: Executor = async (context) => {
    log = (line) => context.log(line);
    started();
    await Promise.race([released, new Promise((resolve) => context.signal.addEventListener("abort", resolve))]);
    return { exitCode: 0 };
  };
  return { executor, log: (line) => log(line), running };
}

/** The pod, a follower of its log, and the query of each log request the follower sent. */
async function follow(faults: KubernetesDoubleFaults = {}) {
  const scripted = scriptedExecutor();
  const started = await startDoubleWithPod(scripted.executor, faults);
  cluster = started.cluster;
  const queries: Record<string, unknown>[] = [];
  const api: KubeApi = {
    ...started.api,
    stream: (path, query, sink, signal) => {
      queries.push(query);
      return started.api.stream(path, query, sink, signal);
    },
  };
  const lines: string[] = [];
  const follower = new LogFollower({
    api,
    namespace: NAMESPACE,
    podName: TEST_POD,
    container: TEST_CONTAINER,
    onLine: (line) => lines.push(line),
    redact: createRedactor([]),
    retryMs: 10,
  });
  follower.start();
  await scripted.running;
  return { double: started.cluster, log: scripted.log, lines, queries, follower };
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => `line ${from + index}`);

describe("LogFollower resuming with sinceTime", () => {
  it("follows again when the log ends while the container runs, from the last line's time, without repeats", async () => {
    const { double, log, lines, queries, follower } = await follow();
    for (const line of numbered(1, 3)) log(line);
    await until(() => lines.length === 3, "three lines");
    double.endLogStreams();
    for (const line of numbered(4, 6)) log(line);
    await until(() => lines.length === 6, "six lines");
    double.endLogStreams();
    log("line 7");
    await until(() => lines.length === 7, "seven lines");
    release();
    await follower.finish(5000);
    expect(lines).toEqual(numbered(1, 7));
    const resumed = queries.filter((query) => query.sinceTime !== undefined);
    expect(resumed.length).toBeGreaterThanOrEqual(2);
    for (const query of queries) expect(query.timestamps).toBe(true);
  });

  it("loses no line after the kubelet rotated the log file (counting lines would)", async () => {
    const { double, log, lines, follower } = await follow({ logRotation: { everyLines: 10 } });
    for (const line of numbered(1, 3)) log(line);
    await until(() => lines.length === 3, "three lines");
    // the open stream goes on across the rotation at line 10; a new request sees lines 11 on only
    for (const line of numbered(4, 12)) log(line);
    await until(() => lines.length === 12, "twelve lines");
    double.endLogStreams();
    for (const line of numbered(13, 15)) log(line);
    await until(() => lines.length >= 15, "fifteen lines");
    release();
    await follower.finish(5000);
    expect(lines).toEqual(numbered(1, 15));
  });

  it("ends when the log ends because the container exited", async () => {
    const { log, lines, follower } = await follow();
    log("only line");
    await until(() => lines.length === 1, "the line");
    release();
    const started = Date.now();
    await follower.finish(5000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(lines).toEqual(["only line"]);
  });
});

describe("splitTimestamp", () => {
  it("orders RFC 3339 times with 0 to 9 decimals and offsets by time, and keeps the text", () => {
    const keys = [
      "2026-01-01T00:00:00Z a",
      "2026-01-01T00:00:00.5Z b",
      "2026-01-01T00:00:00.500000001Z c",
      "2026-01-01T01:00:01+01:00 d",
    ].map((line) => splitTimestamp(line));
    expect(keys.map((entry) => entry?.text)).toEqual(["a", "b", "c", "d"]);
    const sorted = [...keys].sort((a, b) => ((a?.key ?? "") < (b?.key ?? "") ? -1 : 1));
    expect(sorted.map((entry) => entry?.text)).toEqual(["a", "b", "c", "d"]);
    expect(splitTimestamp("2026-01-01T00:00:00.123Z  indented")?.text).toBe(" indented");
    expect(splitTimestamp("no timestamp here")).toBeUndefined();
  });
});
