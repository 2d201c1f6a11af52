import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ExecutorContext } from "./executor.js";
import { createGenericContainer } from "./generic-container.js";

function context(signal: AbortSignal): ExecutorContext {
  return {
    pod: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "default" },
      spec: { containers: [] },
      status: { phase: "Running" },
    },
    namespace: "default",
    podName: "p",
    container: {
      name: "app",
      image: "registry.example/app:1",
      command: [],
      args: [],
      env: {},
      files: {},
      stdin: false,
      stdinOnce: false,
      terminationMessagePath: "/dev/termination-log",
    },
    stdin: new PassThrough(),
    log: () => {},
    signal,
    stateDir: "/nonexistent",
  };
}

describe("createGenericContainer", () => {
  it("runs for runMs, then exits 0 with no termination message", async () => {
    const started = performance.now();
    const result = await createGenericContainer({ runMs: 60 })(context(new AbortController().signal));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(result).toEqual({ exitCode: 0 });
  });

  it("ends early when the pod is killed", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const running = createGenericContainer({ runMs: 60_000 })(context(controller.signal));
    controller.abort(new Error("container killed"));
    expect(await running).toEqual({ exitCode: 0 });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
