import { PassThrough, Writable } from "node:stream";
import { Attach, CoreV1Api, KubeConfig, Log, type V1Pod, Watch } from "@kubernetes/client-node";
import type { KubernetesDouble } from "../kubernetes/start-kubernetes-double.js";

export interface KubeClients {
  kc: KubeConfig;
  core: CoreV1Api;
  watch: Watch;
  log: Log;
  attach: Attach;
}

export function kubeClients(cluster: KubernetesDouble): KubeClients {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  kc.setCurrentContext(cluster.contextName);
  return { kc, core: kc.makeApiClient(CoreV1Api), watch: new Watch(kc), log: new Log(kc), attach: new Attach(kc) };
}

export function buildPod(
  name: string,
  overrides: Partial<{
    args: string[];
    stdin: boolean;
    stdinOnce: boolean;
    restartPolicy: string;
    labels: Record<string, string>;
    activeDeadlineSeconds: number;
    terminationMessagePolicy: string;
  }> = {},
): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: overrides.labels ?? { app: "kaniko-test" } },
    spec: {
      restartPolicy: overrides.restartPolicy ?? "Never",
      ...(overrides.activeDeadlineSeconds ? { activeDeadlineSeconds: overrides.activeDeadlineSeconds } : {}),
      containers: [
        {
          name: "kaniko",
          image: "gcr.io/kaniko-project/executor:v1.23.2",
          args: overrides.args ?? [],
          stdin: overrides.stdin ?? true,
          stdinOnce: overrides.stdinOnce ?? true,
          tty: false,
          ...(overrides.terminationMessagePolicy
            ? { terminationMessagePolicy: overrides.terminationMessagePolicy }
            : {}),
        },
      ],
    },
  };
}

/** Collects a stream's text. */
export function collector(): { stream: Writable; text(): string; ended: Promise<void> } {
  const chunks: Buffer[] = [];
  let resolveEnded: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    resolveEnded = resolve;
  });
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
    final(callback) {
      resolveEnded();
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8"), ended };
}

/** A stdin for `Attach.attach`: push chunks, then `end()`. */
export function stdinStream(): PassThrough {
  return new PassThrough();
}

/** Resolves when the socket closes. */
export function socketClosed(ws: {
  readyState: number;
  addEventListener(type: "close", listener: (event: { code: number }) => void): void;
}): Promise<{ code: number }> {
  return new Promise((resolve) => {
    if (ws.readyState === 3) resolve({ code: 1006 });
    ws.addEventListener("close", (event) => resolve({ code: event.code }));
  });
}

export async function waitForPhase(
  core: CoreV1Api,
  namespace: string,
  name: string,
  phases: string[],
  timeoutMs = 10_000,
): Promise<V1Pod> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pod = await core.readNamespacedPod({ name, namespace });
    if (phases.includes(pod.status?.phase ?? "")) return pod;
    if (Date.now() > deadline) throw new Error(`pod ${name} stayed ${pod.status?.phase}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
