import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { BuildContext, type ContainerRegistry, DefaultContainerRegistryFlavor, silentLogger } from "@flavorstack/core";
import { KanikoBuildError, type KanikoImageBuilder } from "@flavorstack/kaniko";
import type { Executor, KubernetesDouble, KubernetesDoubleOptions } from "@flavorstack/testing";
import { simulatedKaniko } from "@flavorstack/testing/kaniko";
import { type RunningRegistry, startRegistry } from "@flavorstack/testing/servers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startKanikoBuilder } from "./support/kaniko-builder.js";

/**
 * Builds through the Kubernetes double while its watches and logs misbehave as real clusters' do: history
 * compacted (410 Gone as an ERROR event and as the answer), bookmarks, watches that go silent, 429 and 503 with
 * Retry-After, log streams that end early and log files that rotate. Each build either succeeds or fails clearly,
 * and leaves no pod.
 */
describe("kaniko builds through watch and log trouble (Kubernetes double)", () => {
  let registry: RunningRegistry;
  let containerRegistry: ContainerRegistry;
  let scratch: string;
  let context: BuildContext;
  const clusters: KubernetesDouble[] = [];
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    registry = await startRegistry();
    containerRegistry = await DefaultContainerRegistryFlavor.createComponent({
      name: "registry",
      config: { uri: registry.hostPort },
    });
    scratch = await mkdtemp(path.join(tmpdir(), "flavorstack-watch-logs-e2e-"));
    const root = path.join(scratch, "tiny");
    await mkdir(root);
    await writeFile(path.join(root, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
    await writeFile(path.join(root, "hello.txt"), "hello from the watch and logs e2e test\n");
    context = new BuildContext({ root, logger: silentLogger });
  });

  afterEach(async () => {
    for (const timer of timers.splice(0)) clearInterval(timer);
    for (const cluster of clusters.splice(0)) await cluster.stop();
  });

  afterAll(async () => {
    await registry?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function setup(
    doubleOptions: KubernetesDoubleOptions,
    config: Record<string, unknown> = {},
  ): Promise<{ cluster: KubernetesDouble; builder: KanikoImageBuilder }> {
    const started = await startKanikoBuilder(scratch, doubleOptions, config);
    clusters.push(started.cluster);
    return started;
  }

  /** Calls `action` every `ms` until the test ends. */
  function every(ms: number, action: () => void): void {
    timers.push(setInterval(action, ms));
  }

  const build = (builder: KanikoImageBuilder, tag: string, onLog?: (line: string) => void) =>
    builder.build(
      `${registry.hostPort}/flavorstack/watch-logs:${tag}`,
      context,
      onLog ? { onLog } : {},
      containerRegistry,
    );

  /** The simulated kaniko, after `prelude` (given the log), recording every line logged. */
  function recordedKaniko(logged: string[], prelude: (log: (line: string) => void) => Promise<void>): Executor {
    return async (executorContext) => {
      const log = (line: string, stream?: "stdout" | "stderr") => {
        logged.push(line);
        executorContext.log(line, stream);
      };
      await prelude(log);
      return simulatedKaniko({ ...executorContext, log });
    };
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("survives history compaction: 410 Gone as an ERROR event on the re-watch, then lists again", async () => {
    const { cluster, builder } = await setup({ faults: { slowStart: { ms: 600 } }, watch: { compactEveryMs: 50 } });
    every(100, () => cluster.endWatches());
    const image = await build(builder, "gone-event");
    expect(image.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(cluster.pods()).toEqual([]);
  });

  it("survives 410 Gone as the watch's answer (HTTP 410 Status)", async () => {
    const { cluster, builder } = await setup({
      faults: { slowStart: { ms: 600 } },
      watch: { compactEveryMs: 50, expiredAs: "status" },
    });
    every(100, () => cluster.endWatches());
    const image = await build(builder, "gone-status");
    expect(image.digest).toMatch(/^sha256:/);
    expect(cluster.pods()).toEqual([]);
  });

  it("resumes from bookmarks' resourceVersions while the server ends watches", async () => {
    const { cluster, builder } = await setup({
      faults: { slowStart: { ms: 600 } },
      watch: { bookmarkIntervalMs: 20, compactEveryMs: 200 },
    });
    every(100, () => cluster.endWatches());
    const image = await build(builder, "bookmarks");
    expect(image.digest).toMatch(/^sha256:/);
    expect(cluster.pods()).toEqual([]);
  });

  it("abandons a silent watch past watchTimeoutSeconds plus the margin, and watches again", async () => {
    const { cluster, builder } = await setup(
      { faults: { slowStart: { ms: 300 }, silentWatches: { times: 1 } } },
      { watchTimeoutSeconds: 1 },
    );
    const started = Date.now();
    const image = await build(builder, "silent");
    expect(image.digest).toMatch(/^sha256:/);
    // the silent watch was given its limit (1 to 1.25 s) and the 1 s margin
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(cluster.pods()).toEqual([]);
  });

  it("waits out Retry-After on 429 and 503 (create, watch, log, delete)", async () => {
    const { cluster, builder } = await setup({
      faults: {
        apiErrors: [
          { verb: "create", status: 429, retryAfterSeconds: 1, times: 1 },
          { verb: "watch", status: 503, retryAfterSeconds: 1, times: 1 },
          { verb: "log", status: 429, retryAfterSeconds: 1, times: 1 },
          { verb: "delete", status: 503, retryAfterSeconds: 1, times: 1 },
        ],
      },
    });
    const image = await build(builder, "retry-after");
    expect(image.digest).toMatch(/^sha256:/);
    expect(cluster.pods()).toEqual([]);
  });

  it("gets every log line once when the log stream ends early after the log file rotated", async () => {
    const logged: string[] = [];
    let double: KubernetesDouble | undefined;
    // 30 lines across three log files, the stream cut cleanly after line 25
    const prelude = async (log: (line: string) => void) => {
      await pause(500); // the builder follows the log from when the pod runs
      for (let index = 1; index <= 30; index += 1) {
        log(`warming up ${index}`);
        await pause(5);
        if (index === 25) {
          await pause(100);
          double?.endLogStreams();
        }
      }
    };
    const { cluster, builder } = await setup({
      executor: recordedKaniko(logged, prelude),
      faults: { logRotation: { everyLines: 10 } },
    });
    double = cluster;
    const lines: string[] = [];
    const image = await build(builder, "logs", (line) => lines.push(line));
    expect(image.digest).toMatch(/^sha256:/);
    // counting lines would have skipped 25 of the current file's (lines 21 on) and lost the rest
    expect(lines).toEqual(logged);
    expect(cluster.pods()).toEqual([]);
  });

  it("gets every log line once while log streams keep ending early", async () => {
    const logged: string[] = [];
    const prelude = async (log: (line: string) => void) => {
      for (let index = 1; index <= 30; index += 1) {
        log(`warming up ${index}`);
        await pause(5);
      }
    };
    const { cluster, builder } = await setup({ executor: recordedKaniko(logged, prelude) });
    every(20, () => cluster.endLogStreams());
    const lines: string[] = [];
    const image = await build(builder, "log-breaks", (line) => lines.push(line));
    expect(image.digest).toMatch(/^sha256:/);
    expect(lines).toEqual(logged);
    expect(cluster.pods()).toEqual([]);
  });

  it("fails clearly, leaving no pod, when every watch goes silent", async () => {
    const { cluster, builder } = await setup(
      { faults: { slowStart: { ms: 300 }, silentWatches: {} } },
      { watchTimeoutSeconds: 1, podRunningTimeout: 3 },
    );
    const error = await build(builder, "always-silent").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KanikoBuildError);
    expect((error as Error).message).toMatch(/was not running after 3 s \(podRunningTimeout\)/);
    expect(cluster.pods()).toEqual([]);
  });

  it("fails clearly, leaving no pod, when every watch keeps answering 429 with Retry-After", async () => {
    const { cluster, builder } = await setup({
      faults: { slowStart: { ms: 10_000 }, apiErrors: [{ verb: "watch", status: 429, retryAfterSeconds: 0 }] },
    });
    const error = await build(builder, "always-429").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KanikoBuildError);
    expect((error as Error).message).toMatch(/Waiting for the build pod .* failed: .*HTTP 429 \(TooManyRequests\)/s);
    expect(cluster.pods()).toEqual([]);
  }, 30_000);
});
