import type { CoreV1Event } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { NoScaleUpError, ScaleUpWait, scaleUpSignal } from "./scale-up-wait.js";

const event = (reason: string, message = ""): CoreV1Event => ({
  reason,
  message,
  involvedObject: { name: "p" },
  metadata: {},
});
const UNSCHEDULABLE = { kind: "unschedulable", message: "0/3 nodes are available: 3 Insufficient memory." } as const;

describe("scaleUpSignal", () => {
  it("takes the latest autoscaler event: TriggeredScaleUp and Nominated are under way, NotTriggerScaleUp refuses", () => {
    expect(scaleUpSignal([event("FailedScheduling")])).toEqual({ kind: "none" });
    expect(scaleUpSignal([event("FailedScheduling"), event("TriggeredScaleUp", "pod triggered scale-up")])).toEqual({
      kind: "triggered",
      message: "TriggeredScaleUp: pod triggered scale-up",
    });
    expect(scaleUpSignal([event("Nominated", "Pod should schedule on: nodeclaim/x"), event("Scheduled")])).toEqual({
      kind: "triggered",
      message: "Nominated: Pod should schedule on: nodeclaim/x",
    });
    expect(scaleUpSignal([event("TriggeredScaleUp"), event("NotTriggerScaleUp", "max size reached")])).toEqual({
      kind: "refused",
      message: "max size reached",
    });
    expect(scaleUpSignal([event("NotTriggerScaleUp"), event("TriggeredScaleUp", "m")]).kind).toBe("triggered");
  });
});

/** A ScaleUpWait over a list of events the test changes, with its outcome. */
function scaleUpWait(graceMs: number, events: CoreV1Event[] | (() => never)) {
  const triggered: string[] = [];
  const wait = new ScaleUpWait({
    graceMs,
    pollMs: 10,
    readEvents: async () => (typeof events === "function" ? events() : [...events]),
    onTriggered: (message) => triggered.push(message),
  });
  const failed = new Promise<NoScaleUpError>((resolve) =>
    wait.signal.addEventListener("abort", () => resolve(wait.signal.reason as NoScaleUpError), { once: true }),
  );
  return { wait, triggered, failed };
}

describe("ScaleUpWait", () => {
  it("fails after the grace window when nothing signals a scale-up", async () => {
    const started = Date.now();
    const { wait, failed } = scaleUpWait(100, [event("FailedScheduling")]);
    wait.unschedulable(UNSCHEDULABLE);
    const error = await failed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(error).toBeInstanceOf(NoScaleUpError);
    expect(error.reason).toBe("NoScaleUp");
    expect(error.schedulerMessage).toBe(UNSCHEDULABLE.message);
  });

  it("fails at once on NotTriggerScaleUp, with the autoscaler's message", async () => {
    const { wait, failed } = scaleUpWait(60_000, [event("NotTriggerScaleUp", "1 max node group size reached")]);
    wait.unschedulable(UNSCHEDULABLE);
    const error = await failed;
    expect(error.reason).toBe("NotTriggerScaleUp");
    expect(error.autoscalerMessage).toBe("1 max node group size reached");
  });

  it("keeps waiting past the grace window once a scale-up is triggered, and reports it once", async () => {
    const events = [event("FailedScheduling")];
    const { wait, triggered } = scaleUpWait(50, events);
    wait.unschedulable(UNSCHEDULABLE);
    events.push(event("TriggeredScaleUp", "pod triggered scale-up: [{pool 1->2 (max: 5)}]"));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(wait.signal.aborted).toBe(false);
    expect(triggered).toEqual(["TriggeredScaleUp: pod triggered scale-up: [{pool 1->2 (max: 5)}]"]);
    expect(wait.triggered).toBe(triggered[0]);
    wait.close();
  });

  it("takes a nominated node as a placement under way", async () => {
    const { wait, triggered } = scaleUpWait(0, []);
    wait.unschedulable({ ...UNSCHEDULABLE, nominatedNodeName: "node-7" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wait.signal.aborted).toBe(false);
    expect(triggered).toEqual(["node node-7 nominated for the pod"]);
    wait.close();
  });

  it("stops once the pod is scheduled", async () => {
    const { wait } = scaleUpWait(30, []);
    wait.unschedulable(UNSCHEDULABLE);
    wait.scheduled();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(wait.signal.aborted).toBe(false);
    wait.close();
  });

  it("says when the events could not be read", async () => {
    const forbidden = Object.assign(new Error("events is forbidden"), { code: 403 });
    const { wait, failed } = scaleUpWait(0, () => {
      throw forbidden;
    });
    wait.unschedulable(UNSCHEDULABLE);
    expect((await failed).eventsError).toBe(forbidden);
  });
});
