import { setTimeout as delay } from "node:timers/promises";
import type { Executor } from "./executor.js";

/** How long a {@link genericContainer}'s process runs, in milliseconds. */
export const GENERIC_CONTAINER_RUN_MS = 100;

export interface GenericContainerOptions {
  /** How long the process runs before it exits 0 (default {@link GENERIC_CONTAINER_RUN_MS}). */
  runMs?: number;
}

/**
 * An executor for an image the double knows nothing about, so it assumes the least: the container's process runs
 * for `runMs` and exits 0. It writes no log and no termination message and never reads its stdin (an attached
 * client's stdin waits in the buffer until the container exits, as with a process that does not read it). Killing
 * the pod ends it early.
 */
export function createGenericContainer(options: GenericContainerOptions = {}): Executor {
  const runMs = options.runMs ?? GENERIC_CONTAINER_RUN_MS;
  return async ({ signal }) => {
    await delay(runMs, undefined, { signal }).catch(() => {});
    return { exitCode: 0 };
  };
}

/** The double's default executor: {@link createGenericContainer} with its defaults. */
export const genericContainer: Executor = createGenericContainer();
