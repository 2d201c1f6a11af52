import { type BuildContext, type ContainerRegistry, type Logger, silentLogger } from "@flavorstack/core";
import { KanikoBuildError } from "@flavorstack/kaniko";
import type { KubernetesDouble, KubernetesDoubleFaults } from "@flavorstack/testing";
import { manifestDigest, type RunningRegistry } from "@flavorstack/testing/servers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startKanikoBuilder } from "./support/kaniko-builder.js";
import { type KanikoE2eSite, startKanikoE2eSite } from "./support/kaniko-e2e-site.js";

/**
 * Autoscaled clusters (cluster-autoscaler, Karpenter, GKE Autopilot): an unschedulable build pod waits while a
 * scale-up is under way, and fails fast when none is coming. The double's `autoscaler` fault plays the autoscaler.
 */
describe("kaniko image builder → Kubernetes double: autoscaling clusters", () => {
  let site: KanikoE2eSite;
  let registry: RunningRegistry;
  let containerRegistry: ContainerRegistry;
  let scratch: string;
  let tinyContext: BuildContext;
  const clusters: KubernetesDouble[] = [];

  beforeAll(async () => {
    site = await startKanikoE2eSite("autoscaling");
    ({ registry, containerRegistry, scratch, context: tinyContext } = site);
  });

  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
  });

  afterAll(async () => {
    await site?.stop();
  });

  /** A builder on a double with `faults`; `info` collects what it reports. */
  async function setup(faults: KubernetesDoubleFaults, config: Record<string, unknown>) {
    const info: string[] = [];
    const logger: Logger = { ...silentLogger, info: (message) => info.push(message) };
    const started = await startKanikoBuilder(scratch, { faults }, config, { logger });
    clusters.push(started.cluster);
    return { ...started, info };
  }

  async function build(builder: Awaited<ReturnType<typeof setup>>["builder"], tag: string) {
    return builder.build(
      `${registry.hostPort}/flavorstack/kaniko-autoscaling:${tag}`,
      tinyContext,
      {},
      containerRegistry,
    );
  }

  async function buildFailure(builder: Awaited<ReturnType<typeof setup>>["builder"], tag: string) {
    const started = Date.now();
    const error = await build(builder, tag).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KanikoBuildError);
    return { error: error as KanikoBuildError, seconds: (Date.now() - started) / 1000 };
  }

  it("TriggeredScaleUp: waits past the grace window for the new node, says so, and builds; no pod left", async () => {
    const { cluster, builder, info } = await setup(
      { autoscaler: { events: [{ afterMs: 200, reason: "TriggeredScaleUp" }], nodeReadyAfterMs: 2500 } },
      { scaleUpGraceSeconds: 1, podRunningTimeout: 30 },
    );
    const image = await build(builder, "scale-up");
    expect(await manifestDigest(registry.hostPort, "flavorstack/kaniko-autoscaling", "scale-up")).toBe(image.digest);
    expect(info).toContainEqual(
      expect.stringMatching(
        /^Build pod zenml-kaniko\/kaniko-build-[0-9a-f]{8}: waiting for a node \(scale-up triggered: TriggeredScaleUp: pod triggered scale-up: \[\{default-pool 1->2 \(max: 5\)\}\]\)\.$/,
      ),
    );
    expect(cluster.pods()).toEqual([]);
  });

  it("Karpenter's Nominated event: waits for the node claim and builds; no pod left", async () => {
    const { cluster, builder, info } = await setup(
      {
        autoscaler: {
          events: [{ afterMs: 100, reason: "Nominated", message: "Pod should schedule on: nodeclaim/default-7x2kq" }],
          nodeReadyAfterMs: 1500,
        },
      },
      { scaleUpGraceSeconds: 1 },
    );
    const image = await build(builder, "karpenter");
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(info.join("\n")).toContain(
      "waiting for a node (scale-up triggered: Nominated: Pod should schedule on: nodeclaim/default-7x2kq)",
    );
    expect(cluster.pods()).toEqual([]);
  });

  it("NotTriggerScaleUp: fails fast with the autoscaler's reason, long before podRunningTimeout; no pod left", async () => {
    const { cluster, builder } = await setup(
      { autoscaler: { events: [{ afterMs: 100, reason: "NotTriggerScaleUp" }] } },
      { scaleUpGraceSeconds: 20, podRunningTimeout: 60 },
    );
    const { error, seconds } = await buildFailure(builder, "refused");
    expect(error.reason).toBe("NotTriggerScaleUp");
    expect(error.message).toMatch(
      /^The build pod zenml-kaniko\/kaniko-build-[0-9a-f]{8} cannot start: Unschedulable \(0\/1 nodes are available: 1 Insufficient memory\..*\)\. No node can run the pod, and the cluster autoscaler will not add one \(NotTriggerScaleUp: pod didn't trigger scale-up: 1 max node group size reached\)\./,
    );
    expect(error.events.join("\n")).toContain("NotTriggerScaleUp");
    expect(seconds).toBeLessThan(10);
    expect(cluster.pods()).toEqual([]);
  });

  it("no scale-up signalled within scaleUpGraceSeconds: fails after the grace window, which the error reports; no pod left", async () => {
    const { cluster, builder } = await setup(
      { unschedulable: { message: "0/3 nodes are available: 3 Insufficient cpu." } },
      { scaleUpGraceSeconds: 1, podRunningTimeout: 60 },
    );
    const { error, seconds } = await buildFailure(builder, "no-autoscaler");
    expect(error.reason).toBe("Unschedulable");
    expect(error.message).toContain(
      "cannot start: Unschedulable (0/3 nodes are available: 3 Insufficient cpu.). No node can run the pod, and no autoscaler signalled a scale-up (a TriggeredScaleUp or Nominated event) within 1 s (scaleUpGraceSeconds).",
    );
    expect(seconds).toBeGreaterThanOrEqual(0.9);
    expect(seconds).toBeLessThan(10);
    expect(cluster.pods()).toEqual([]);
  });

  it("the default grace window is 30 s; 0 fails at the first look", async () => {
    const { cluster, builder } = await setup({ unschedulable: {} }, { scaleUpGraceSeconds: 0 });
    const { error, seconds } = await buildFailure(builder, "no-grace");
    expect(error.message).toContain("within 0 s (scaleUpGraceSeconds)");
    expect(seconds).toBeLessThan(5);
    expect(cluster.pods()).toEqual([]);
    expect(builder.config.scaleUpGraceSeconds).toBe(0);
    const defaults = await setup({}, {});
    expect(defaults.builder.config.scaleUpGraceSeconds).toBe(30);
  });

  it("a scale-up that never brings a node: PodRunningTimeout that says a scale-up was triggered; no pod left", async () => {
    const { cluster, builder } = await setup(
      { autoscaler: { events: [{ afterMs: 50, reason: "TriggeredScaleUp" }] } },
      { scaleUpGraceSeconds: 1, podRunningTimeout: 2 },
    );
    const { error } = await buildFailure(builder, "no-node");
    expect(error.reason).toBe("PodRunningTimeout");
    expect(error.message).toMatch(
      /was not running after 2 s \(podRunningTimeout\): still unschedulable \(.*\), though a scale-up was triggered \(TriggeredScaleUp: .*\)\. Check the events below and the autoscaler's/,
    );
    expect(cluster.pods()).toEqual([]);
  });

  it("events the user may not list: the error after the grace window names the permission; no pod left", async () => {
    const { cluster, builder } = await setup(
      {
        autoscaler: { events: [{ afterMs: 10, reason: "TriggeredScaleUp" }], nodeReadyAfterMs: 5000 },
        apiErrors: [{ verb: "events", status: 403 }],
      },
      { scaleUpGraceSeconds: 1 },
    );
    const { error } = await buildFailure(builder, "no-events");
    expect(error.reason).toBe("Unschedulable");
    expect(error.message).toMatch(
      /The pod's events could not be read \(HTTP 403 \(Forbidden\): events is forbidden: .*\): the kubeconfig's user \(context 'flavorstack-double'\) needs list on events in namespace 'zenml-kaniko' to see a scale-up\./,
    );
    expect(cluster.pods()).toEqual([]);
  });
});
