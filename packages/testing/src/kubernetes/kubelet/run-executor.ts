import type { PodFaults } from "../faults/fault-plan.js";
import type { Container, Pod } from "../kubernetes-types.js";
import type { Executor, ExecutorContainer, ExecutorResult } from "./executor.js";
import type { PodRuntime } from "./pod-runtime.js";

/** What the kubelet resolved for the container before creating it. */
export type ContainerConfig = Pick<ExecutorContainer, "env" | "files">;

function executorContainer(container: Container, { env, files }: ContainerConfig): ExecutorContainer {
  return {
    name: container.name,
    image: container.image ?? "",
    command: container.command ?? [],
    args: container.args ?? [],
    env,
    files,
    stdin: container.stdin === true,
    stdinOnce: container.stdinOnce === true,
    terminationMessagePath: container.terminationMessagePath ?? "/dev/termination-log",
  };
}

/**
 * Runs the pod's container: the executor, or what an exit-code / OOM fault puts in its place (reading stdin to EOF
 * first), then a termination-message fault on a successful result. An executor that throws exits 1.
 */
export async function runExecutor(
  pod: Pod,
  runtime: PodRuntime,
  executor: Executor,
  stateDir: string,
  config: ContainerConfig,
): Promise<ExecutorResult> {
  const { faults } = runtime;
  const log = (line: string, stream: "stdout" | "stderr" = "stdout") => {
    if (!runtime.terminated) runtime.log(line, stream);
  };
  if (faults.oomKilled || faults.exitCode) {
    await drainStdin(runtime);
    if (faults.oomKilled) return { exitCode: 137, reason: "OOMKilled" };
    const code = faults.exitCode?.code ?? 1;
    log(faults.exitCode?.message ?? `error building image: simulated failure (exit code ${code})`, "stderr");
    return { exitCode: code };
  }
  let result: ExecutorResult;
  try {
    result = await executor({
      pod: structuredClone(pod),
      namespace: pod.metadata.namespace as string,
      podName: pod.metadata.name as string,
      container: executorContainer(pod.spec.containers[0] as Container, config),
      stdin: runtime.stdin,
      log,
      signal: runtime.abortController.signal,
      stateDir,
    });
  } catch (error) {
    log(`error executing container: ${error instanceof Error ? error.message : String(error)}`, "stderr");
    result = { exitCode: 1 };
  }
  return result.exitCode === 0 ? withTerminationMessageFault(result, faults.terminationMessage) : result;
}

function withTerminationMessageFault(result: ExecutorResult, fault: PodFaults["terminationMessage"]): ExecutorResult {
  switch (fault?.kind) {
    case undefined:
      return result;
    case "empty":
      return { ...result, terminationMessage: "" };
    case "garbage":
      return { ...result, terminationMessage: "\u0000garbage: not an image digest\n" };
    case "other-repository": {
      const digest = /sha256:[0-9a-f]{64}/.exec(result.terminationMessage ?? "")?.[0] ?? `sha256:${"0".repeat(64)}`;
      return { ...result, terminationMessage: `registry.invalid/someone-else/other-image@${digest}\n` };
    }
  }
}

/** Reads the container's stdin to its end (or until the container is killed). */
async function drainStdin(runtime: PodRuntime): Promise<void> {
  const { stdin } = runtime;
  if (stdin.readableEnded || stdin.destroyed) return;
  await new Promise<void>((resolve) => {
    stdin.on("data", () => {});
    stdin.once("end", () => resolve());
    stdin.once("close", () => resolve());
    runtime.abortController.signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
