import type { Readable } from "node:stream";
import type { Pod } from "../kubernetes-types.js";

/** The container an executor runs, with its env and secret volumes resolved as the kubelet resolves them. */
export interface ExecutorContainer {
  name: string;
  image: string;
  command: string[];
  args: string[];
  /**
   * The environment: `envFrom[].secretRef` (with `prefix`), then `env[].value` and `env[].valueFrom.secretKeyRef`.
   * Config map and field references are not simulated and left out.
   */
  env: Record<string, string>;
  /**
   * The files of the secret volumes in `volumeMounts`, by absolute path: `<mountPath>/<key>` (or `items[].path`),
   * or `mountPath` itself for a `subPath` naming one key; e.g. `/kaniko/.docker/config.json`.
   */
  files: Record<string, Buffer>;
  stdin: boolean;
  stdinOnce: boolean;
  terminationMessagePath: string;
}

export interface ExecutorContext {
  /** A deep copy of the pod as created (with defaults applied). */
  pod: Pod;
  namespace: string;
  podName: string;
  container: ExecutorContainer;
  /** The container's stdin: what attached clients send; ends at their EOF when `stdinOnce`. Empty when `stdin` is false. */
  stdin: Readable;
  /** Appends a line to the container log (and to attached clients' stdout or stderr). */
  log(line: string, stream?: "stdout" | "stderr"): void;
  /** Aborted when the pod is deleted, hits its deadline or the double stops. */
  signal: AbortSignal;
  /**
   * A directory that lasts as long as the double, shared by every pod (like a node's image store), for executors
   * that keep state between pods: `stateDir` of the double's options.
   */
  stateDir: string;
}

export interface ExecutorResult {
  exitCode: number;
  /** What the container wrote to its termination message path (truncated to 4096 bytes like the kubelet). */
  terminationMessage?: string;
  /** Termination reason; defaults to `Completed` (exit 0) or `Error`. */
  reason?: string;
}

/** Runs a pod's container: what the container's process does between start and exit. */
export type Executor = (context: ExecutorContext) => Promise<ExecutorResult>;
