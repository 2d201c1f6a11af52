import { FlavorstackError } from "@flavorstack/core/plugin";
import type { CoreV1Event } from "@kubernetes/client-node";
import type { PodProgress } from "./pod-status.js";

/** How often an unschedulable pod's events are read for the autoscaler's word. */
const EVENT_POLL_MS = 2000;

/**
 * Reasons of the events autoscalers record on a pending pod: cluster-autoscaler's (also GKE Autopilot's) and
 * Karpenter's.
 */
const TRIGGERED_SCALE_UP = "TriggeredScaleUp";
const NOT_TRIGGER_SCALE_UP = "NotTriggerScaleUp";
const KARPENTER_NOMINATED = "Nominated";

type Unschedulable = Extract<PodProgress, { kind: "unschedulable" }>;

/** What the autoscalers last said about the pod: a scale-up under way, a refusal, or nothing. */
export type ScaleUpSignal =
  | { kind: "triggered"; message: string }
  | { kind: "refused"; message: string }
  | { kind: "none" };

/** The autoscalers' last word among the pod's events (oldest first): the latest relevant event wins. */
export function scaleUpSignal(events: readonly CoreV1Event[]): ScaleUpSignal {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const { reason, message } = events[index] as CoreV1Event;
    if (reason === TRIGGERED_SCALE_UP || reason === KARPENTER_NOMINATED) {
      return { kind: "triggered", message: `${reason}: ${message ?? ""}` };
    }
    if (reason === NOT_TRIGGER_SCALE_UP) return { kind: "refused", message: message ?? "" };
  }
  return { kind: "none" };
}

/** The pod stays unschedulable and no node is coming: the autoscaler refused, or said nothing within the grace. */
export class NoScaleUpError extends FlavorstackError {
  /** `NotTriggerScaleUp` (the autoscaler refused) or `NoScaleUp` (nothing within the grace window). */
  readonly reason: "NotTriggerScaleUp" | "NoScaleUp";
  /** The scheduler's message. */
  readonly schedulerMessage: string;
  /** The autoscaler's refusal. */
  readonly autoscalerMessage: string | undefined;
  /** Why the pod's events could not be read, when they could not. */
  readonly eventsError: unknown;

  constructor(
    reason: NoScaleUpError["reason"],
    details: { schedulerMessage: string; autoscalerMessage?: string; eventsError?: unknown },
  ) {
    super(`No node for the pod: ${reason}.`);
    this.reason = reason;
    this.schedulerMessage = details.schedulerMessage;
    this.autoscalerMessage = details.autoscalerMessage;
    this.eventsError = details.eventsError;
  }
}

export interface ScaleUpWaitOptions {
  /** How long an unschedulable pod may wait for a scale-up to be signalled (0: one look at its events). */
  graceMs: number;
  /** Reads the pod's events, oldest first. */
  readEvents: (signal: AbortSignal) => Promise<CoreV1Event[]>;
  /** Called once, when a scale-up is first seen under way. */
  onTriggered: (message: string) => void;
  pollMs?: number;
}

/**
 * Decides whether an unschedulable build pod is worth waiting for, as autoscaled clusters (cluster-autoscaler,
 * Karpenter, GKE Autopilot) need: while it is unschedulable its events are read every few seconds; a
 * `TriggeredScaleUp` or Karpenter `Nominated` event (or a nominated node) means a node is coming, so the wait goes
 * on (up to podRunningTimeout); a latest `NotTriggerScaleUp`, or no signal within the grace window, aborts
 * {@link signal} with a {@link NoScaleUpError}.
 */
export class ScaleUpWait {
  readonly #options: ScaleUpWaitOptions;
  readonly #controller = new AbortController();
  readonly #reads = new AbortController();
  #since: number | undefined;
  #last: Unschedulable | undefined;
  #triggered: string | undefined;
  #eventsError: unknown;
  #active = false;
  #reading = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ScaleUpWaitOptions) {
    this.#options = options;
  }

  /** Aborted with a {@link NoScaleUpError} when no node is coming. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The scale-up seen under way, if any. */
  get triggered(): string | undefined {
    return this.#triggered;
  }

  /**
   * Takes the pod's progress while waiting for it to start: watches for a scale-up while it is unschedulable, and
   * returns the progress once the pod has started (or cannot start); undefined while it is still waiting.
   */
  started(progress: PodProgress): Exclude<PodProgress, { kind: "pending" | "unschedulable" }> | undefined {
    if (progress.kind === "unschedulable") {
      this.unschedulable(progress);
      return undefined;
    }
    this.scheduled();
    return progress.kind === "pending" ? undefined : progress;
  }

  /** The pod is unschedulable: start (or keep) watching for the autoscaler's word. */
  unschedulable(progress: Unschedulable): void {
    if (this.#controller.signal.aborted || this.#reads.signal.aborted) return;
    this.#last = progress;
    this.#since ??= Date.now();
    this.#active = true;
    if (progress.nominatedNodeName) this.#trigger(`node ${progress.nominatedNodeName} nominated for the pod`);
    if (!this.#timer && !this.#reading) void this.#poll();
  }

  /** The pod got past scheduling: stop reading its events. */
  scheduled(): void {
    this.#active = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  close(): void {
    this.scheduled();
    this.#reads.abort();
  }

  async #poll(): Promise<void> {
    this.#timer = undefined;
    this.#reading = true;
    let signal: ScaleUpSignal = { kind: "none" };
    try {
      signal = scaleUpSignal(await this.#options.readEvents(this.#reads.signal));
      this.#eventsError = undefined;
    } catch (error) {
      this.#eventsError = error;
    } finally {
      this.#reading = false;
    }
    if (!this.#active || this.#reads.signal.aborted) return;
    const schedulerMessage = this.#last?.message ?? "";
    if (signal.kind === "refused") {
      this.#fail(new NoScaleUpError("NotTriggerScaleUp", { schedulerMessage, autoscalerMessage: signal.message }));
      return;
    }
    if (signal.kind === "triggered") this.#trigger(signal.message);
    const pollMs = this.#options.pollMs ?? EVENT_POLL_MS;
    let wait = pollMs;
    if (this.#triggered === undefined) {
      const left = (this.#since ?? Date.now()) + this.#options.graceMs - Date.now();
      if (left <= 0) {
        this.#fail(new NoScaleUpError("NoScaleUp", { schedulerMessage, eventsError: this.#eventsError }));
        return;
      }
      wait = Math.min(pollMs, left);
    }
    this.#timer = setTimeout(() => void this.#poll(), wait);
  }

  #trigger(message: string): void {
    if (this.#triggered !== undefined) return;
    this.#triggered = message;
    this.#options.onTriggered(message);
  }

  #fail(error: NoScaleUpError): void {
    this.close();
    this.#controller.abort(error);
  }
}
