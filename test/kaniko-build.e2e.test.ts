import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  BuildContext,
  BuildError,
  ConfigError,
  type ContainerRegistry,
  ImageReference,
  silentLogger,
} from "@flavorstack/core";
import { KanikoBuildError, type KanikoImageBuilder, type KanikoImageBuilderOptions } from "@flavorstack/kaniko";
import type { KubernetesDouble, KubernetesDoubleOptions } from "@flavorstack/testing";
import { manifestDigest, type RunningRegistry } from "@flavorstack/testing/servers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pushBusyboxBase } from "./support/busybox-base.js";
import { startKanikoBuilder } from "./support/kaniko-builder.js";
import { type KanikoE2eSite, startKanikoE2eSite } from "./support/kaniko-e2e-site.js";

const helloDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../examples/hello");

/** The kaniko image builder against the Kubernetes API double, which builds with buildah and pushes to a real registry. */
describe("kaniko image builder → Kubernetes API double → real registry", () => {
  let site: KanikoE2eSite;
  let registry: RunningRegistry;
  let baseImage: string;
  let containerRegistry: ContainerRegistry;
  let scratch: string;
  let tinyContext: BuildContext;
  const clusters: KubernetesDouble[] = [];

  beforeAll(async () => {
    site = await startKanikoE2eSite("build");
    ({ registry, containerRegistry, scratch, context: tinyContext } = site);
    baseImage = await pushBusyboxBase(registry.hostPort);
  });

  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
  });

  afterAll(async () => {
    await site?.stop();
  });

  /** A double running the simulated kaniko, and a builder pointed at it through a kubeconfig file. */
  async function setup(
    doubleOptions: KubernetesDoubleOptions = {},
    config: Record<string, unknown> = {},
    builderOptions: KanikoImageBuilderOptions = {},
  ): Promise<{ cluster: KubernetesDouble; builder: KanikoImageBuilder }> {
    const started = await startKanikoBuilder(scratch, doubleOptions, config, builderOptions);
    clusters.push(started.cluster);
    return started;
  }

  async function expectHelloPushed(image: ImageReference, tag: string): Promise<void> {
    expect(image).toBeInstanceOf(ImageReference);
    expect(image.registry).toBe(registry.hostPort);
    expect(image.repository).toBe("flavorstack/kaniko-hello");
    expect(image.tag).toBe(tag);
    expect(image.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await manifestDigest(registry.hostPort, "flavorstack/kaniko-hello", tag)).toBe(image.digest);
  }

  it("builds examples/hello over attach v5, pushes it and returns the registry's digest; the pod is deleted", async () => {
    const { cluster, builder } = await setup();
    const logs: string[] = [];
    const progress: number[] = [];
    const phases = new Set<string | undefined>();
    const image = await builder.build(
      `${registry.hostPort}/flavorstack/kaniko-hello:v5`,
      new BuildContext({ root: helloDir, logger: silentLogger }),
      {
        buildArgs: { BASE_IMAGE: baseImage },
        labels: { "org.example.built-by": "flavorstack-kaniko-e2e" },
        onLog: (line) => logs.push(line),
        onProgress: ({ phase, bytes }) => {
          phases.add(phase);
          progress.push(bytes);
        },
      },
      containerRegistry,
    );
    await expectHelloPushed(image, "v5");
    expect([...phases]).toEqual(["stream"]);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBeGreaterThan(0);
    expect(logs.join("\n")).toMatch(/Extracted build context/);
    expect(cluster.pods()).toEqual([]);
  });

  it("builds over attach v4 only (clusters before 1.30: stdin EOF by closing the socket)", async () => {
    const { cluster, builder } = await setup({ attachProtocols: ["v4.channel.k8s.io"] });
    const image = await builder.build(
      `${registry.hostPort}/flavorstack/kaniko-hello:v4`,
      new BuildContext({ root: helloDir, logger: silentLogger }),
      { buildArgs: { BASE_IMAGE: baseImage } },
      containerRegistry,
    );
    await expectHelloPushed(image, "v4");
    expect(cluster.pods()).toEqual([]);
  });

  it("re-watches when the server ends its watches mid-build", async () => {
    const { cluster, builder } = await setup({ faults: { slowStart: { ms: 600 } } });
    const ending = setInterval(() => cluster.endWatches(), 100);
    try {
      const image = await builder.build(
        `${registry.hostPort}/flavorstack/kaniko-tiny:rewatch`,
        tinyContext,
        {},
        containerRegistry,
      );
      expect(image.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    } finally {
      clearInterval(ending);
    }
    expect(cluster.pods()).toEqual([]);
  });

  it("defaults the tag to latest", async () => {
    const { cluster, builder } = await setup();
    const image = await builder.build(
      `${registry.hostPort}/flavorstack/kaniko-tiny`,
      tinyContext,
      {},
      containerRegistry,
    );
    expect(image.tag).toBe("latest");
    expect(await manifestDigest(registry.hostPort, "flavorstack/kaniko-tiny", "latest")).toBe(image.digest);
    expect(cluster.pods()).toEqual([]);
  });

  describe("failures: a specific error, and no pod left", () => {
    const cases: {
      name: string;
      double?: KubernetesDoubleOptions;
      config?: Record<string, unknown>;
      error: RegExp;
      type?: new (...args: never[]) => Error;
      check?: (error: KanikoBuildError) => void;
    }[] = [
      {
        name: "image pull error",
        double: { faults: { imagePullError: {} } },
        error:
          /The build pod zenml-kaniko\/kaniko-build-[0-9a-f]{8} cannot start: (ErrImagePull|ImagePullBackOff).*cannot pull the executor image/s,
        check: (error) => {
          expect(error.reason).toMatch(/ErrImagePull|ImagePullBackOff/);
          expect(error.events.length).toBeGreaterThan(0);
          expect(error.message).toMatch(/Events of zenml-kaniko\/kaniko-build-/);
        },
      },
      {
        name: "unschedulable pod",
        double: { faults: { unschedulable: { message: "0/3 nodes are available: 3 Insufficient memory." } } },
        // No autoscaler in this cluster: fail at the first look (kaniko-autoscaling.e2e.test.ts covers the rest).
        config: { scaleUpGraceSeconds: 0 },
        error:
          /cannot start: Unschedulable \(0\/3 nodes are available: 3 Insufficient memory\.\).*No node can run the pod/s,
        check: (error) => expect(error.events.join("\n")).toMatch(/FailedScheduling/),
      },
      {
        name: "pod not running within podRunningTimeout",
        double: { faults: { slowStart: { ms: 10_000 } } },
        config: { podRunningTimeout: 1 },
        error: /was not running after 1 s \(podRunningTimeout\)/,
        check: (error) => expect(error.reason).toBe("PodRunningTimeout"),
      },
      {
        name: "non-zero exit code",
        double: { faults: { exitCode: { code: 3, message: "RUN make failed" } } },
        error: /failed in pod zenml-kaniko\/kaniko-build-[0-9a-f]{8}: exit code 3/,
        check: (error) => expect(error.exitCode).toBe(3),
      },
      {
        name: "OOM kill",
        double: { faults: { oomKilled: {} } },
        error: /exit code 137 \(OOMKilled\)\. The executor ran out of memory/,
        check: (error) => {
          expect(error.exitCode).toBe(137);
          expect(error.reason).toBe("OOMKilled");
        },
      },
      {
        name: "empty termination message",
        double: { faults: { terminationMessage: { kind: "empty" } } },
        error: /cannot be confirmed: the executor exited 0 but left no termination message/,
      },
      {
        name: "garbage termination message",
        double: { faults: { terminationMessage: { kind: "garbage" } } },
        error: /cannot be confirmed: the termination message ".*" is not an image reference with a digest/,
      },
      {
        name: "termination message of another repository",
        double: { faults: { terminationMessage: { kind: "other-repository" } } },
        error: /cannot be confirmed: the executor reports a push to '.*', not to the requested repository/,
      },
      {
        name: "attach stream dropped",
        double: { faults: { attachDrop: { afterBytes: 10 } } },
        // The executor gets a truncated context and fails; the error says both.
        error:
          /exit code 1 \(Error\)\. \(the context stream also broke: the attach stream to zenml-kaniko\/kaniko-build-[0-9a-f]{8} closed after \d+ bytes of the build context/,
      },
      {
        name: "attach refused (403)",
        double: { faults: { apiErrors: [{ verb: "attach", status: 403, message: "attach is forbidden here" }] } },
        error:
          /Streaming the build context .* failed: attaching to .* failed: the API server refused the upgrade with HTTP 403: attach is forbidden here\. The kubeconfig's user .* needs create on pods\/attach/,
      },
      {
        name: "executor ended before the attach (e.g. a flag it does not know)",
        double: {
          executor: async ({ log }) => {
            log("Error: unknown flag: --no-such-flag");
            return { exitCode: 1 };
          },
        },
        error: /failed in pod zenml-kaniko\/kaniko-build-[0-9a-f]{8}: exit code 1 \(Error\)/,
        check: (error) => {
          expect(error.exitCode).toBe(1);
          expect(error.message).not.toMatch(/needs create on pods\/attach/);
          // Followed or not, the log's end is there (the termination message falls back to it).
          expect(error.message).toContain("unknown flag: --no-such-flag");
        },
      },
      {
        name: "activeDeadlineSeconds reached while the executor runs",
        config: { activeDeadlineSeconds: 1 },
        double: {
          executor: async ({ signal, stdin }) => {
            stdin.resume();
            await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
            return { exitCode: 137 };
          },
        },
        error: /exit code 137 \(DeadlineExceeded\).*The pod ran longer than activeDeadlineSeconds \(1 s\)/s,
        check: (error) => expect(error.reason).toBe("DeadlineExceeded"),
      },
      {
        name: "watch forbidden (403)",
        double: { faults: { apiErrors: [{ verb: "watch", status: 403, message: "watch is forbidden here" }] } },
        error:
          /Waiting for the build pod zenml-kaniko\/kaniko-build-[0-9a-f]{8} failed: .*watch is forbidden here.*needs get, list and watch on pods/s,
        check: (error) => expect(error.reason).toBe("WatchFailed"),
      },
      {
        name: "pod creation forbidden",
        double: { faults: { apiErrors: [{ verb: "create", status: 403, message: "pods is forbidden" }] } },
        error:
          /Creating the build pod zenml-kaniko\/kaniko-build-[0-9a-f]{8} failed: HTTP 403 \(Forbidden\): pods is forbidden\. The kubeconfig's user .* needs create, get, watch and delete on pods/,
        type: BuildError,
      },
      {
        name: "missing namespace",
        config: { kubernetesNamespace: "no-such-namespace" },
        error:
          /namespace 'no-such-namespace' does not exist .* it must exist\. Create it with `kubectl --context flavorstack-double create namespace no-such-namespace`/,
        type: ConfigError,
      },
      {
        name: "unknown context",
        config: { kubernetesContext: "prod" },
        error: /Kubernetes context 'prod' is not in .*; the available contexts are: flavorstack-double\./,
        type: ConfigError,
      },
    ];

    for (const testCase of cases) {
      it(testCase.name, async () => {
        const { cluster, builder } = await setup(testCase.double, testCase.config);
        const error = await builder
          .build(`${registry.hostPort}/flavorstack/kaniko-tiny:fault`, tinyContext, {}, containerRegistry)
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        if (process.env.FLAVORSTACK_E2E_PRINT_ERRORS) console.log(`--- ${testCase.name}\n${(error as Error).message}`);
        expect(error).toBeInstanceOf(testCase.type ?? KanikoBuildError);
        expect((error as Error).message).toMatch(testCase.error);
        expect((error as Error).message).not.toContain("flavorstack-double-token");
        testCase.check?.(error as KanikoBuildError);
        expect(cluster.pods()).toEqual([]);
      });
    }

    it("a failed delete is retried", async () => {
      const { cluster, builder } = await setup({
        faults: { apiErrors: [{ verb: "delete", status: 500, times: 2 }] },
      });
      const image = await builder.build(
        `${registry.hostPort}/flavorstack/kaniko-tiny:delete-retry`,
        tinyContext,
        {},
        containerRegistry,
      );
      expect(image.digest).toMatch(/^sha256:/);
      expect(cluster.pods()).toEqual([]);
    });
  });

  it("keeps env values out of errors and logs", async () => {
    const secret = "s3cr3t-value-that-must-not-leak";
    const { cluster, builder } = await setup(
      { faults: { exitCode: { code: 1, message: `failed with ${secret}` } } },
      { env: [{ name: "REGISTRY_PASSWORD", value: secret }] },
    );
    const logs: string[] = [];
    const error = await builder
      .build(
        `${registry.hostPort}/flavorstack/kaniko-tiny:secret`,
        tinyContext,
        { onLog: (line) => logs.push(line) },
        containerRegistry,
      )
      .catch((caught: unknown) => caught as KanikoBuildError);
    expect(error).toBeInstanceOf(KanikoBuildError);
    expect((error as Error).message).not.toContain(secret);
    expect(logs.join("\n")).not.toContain(secret);
    expect(cluster.pods()).toEqual([]);
  });

  it("aborting mid-stream deletes the pod", async () => {
    // A context of ~8 MiB of incompressible bytes, so the stream takes a while.
    const bigDir = path.join(scratch, "abort-context");
    const fs = await import("node:fs/promises");
    await fs.mkdir(bigDir, { recursive: true });
    await writeFile(path.join(bigDir, "Dockerfile"), "FROM scratch\nCOPY blob /blob\n");
    await writeFile(path.join(bigDir, "blob"), (await import("node:crypto")).randomBytes(8 * 1024 * 1024));
    const { cluster, builder } = await setup({ stdinHighWaterMark: 16 * 1024 });
    const controller = new AbortController();
    let sentWhenAborted = 0;
    const error = await builder
      .build(
        `${registry.hostPort}/flavorstack/kaniko-tiny:abort`,
        new BuildContext({ root: bigDir, logger: silentLogger }),
        {
          signal: controller.signal,
          onProgress: ({ bytes }) => {
            if (bytes > 256 * 1024 && !controller.signal.aborted) {
              sentWhenAborted = bytes;
              controller.abort(new Error("user cancelled"));
            }
          },
        },
        containerRegistry,
      )
      .catch((caught: unknown) => caught);
    expect(sentWhenAborted).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as Error).message).toMatch(/^The build of .*kaniko-tiny:abort was aborted\.$/);
    expect(((error as Error).cause as Error).message).toBe("user cancelled");
    expect(cluster.pods()).toEqual([]);
  });

  it("an already aborted signal creates nothing", async () => {
    const { cluster, builder } = await setup();
    const error = await builder
      .build(
        `${registry.hostPort}/flavorstack/kaniko-tiny:x`,
        tinyContext,
        { signal: AbortSignal.abort() },
        containerRegistry,
      )
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/was aborted/);
    expect(cluster.pods()).toEqual([]);
  });

  it("sweep() deletes our old pods and leaves others", async () => {
    const { cluster, builder } = await setup(
      { faults: { slowStart: { ms: 60_000 } } },
      {},
      { handleProcessSignals: false },
    );
    const controller = new AbortController();
    const running = builder
      .build(
        `${registry.hostPort}/flavorstack/kaniko-tiny:sweep`,
        tinyContext,
        { signal: controller.signal },
        containerRegistry,
      )
      .catch(() => undefined);
    const [pod] = await cluster.waitForPodCount(1);
    expect(pod?.metadata.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "flavorstack",
      "flavorstack.io/component": "kaniko-build",
    });
    expect(await builder.sweep({ olderThanSeconds: 3600 })).toEqual([]);
    expect(await builder.sweep({ olderThanSeconds: 0 })).toEqual([pod?.metadata.name]);
    expect(cluster.pods()).toEqual([]);
    controller.abort();
    await running;
  });
});
