import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type KubernetesDouble, startKubernetesDouble } from "@flavorstack/testing";
import { KANIKO_NAMESPACE, startKanikoDouble } from "@flavorstack/testing/kaniko";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const testDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * A child process that builds with the kaniko image builder (dist of the
 * workspace packages) against the double; it prints one JSON line when done.
 */
const CHILD = `
const { BuildContext, consoleLogger, DefaultContainerRegistryFlavor } = await import("@flavorstack/core");
const { KanikoImageBuilder, KanikoImageBuilderFlavor } = await import("@flavorstack/kaniko");
const input = JSON.parse(process.env.KANIKO_CHILD_INPUT);
const builder = new KanikoImageBuilder(
  { id: "child", name: "child", flavor: "kaniko", config: KanikoImageBuilderFlavor.parseConfig({ kubernetesContext: input.context }) },
  { kubeconfigPath: input.kubeconfig, logger: consoleLogger },
);
const registry = await DefaultContainerRegistryFlavor.createComponent({ name: "r", config: { uri: "registry.example.com/team" } });
const image = await builder.build("registry.example.com/team/app:signal", new BuildContext({ root: input.root, logger: consoleLogger }), {}, registry);
console.log(JSON.stringify({ image: String(image) }));
`;

function runChild(input: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: testDir,
    env: { ...process.env, KANIKO_CHILD_INPUT: JSON.stringify(input) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

describe("kaniko image builder: process signals during a build delete the pod", () => {
  let scratch: string;
  let root: string;
  let cluster: KubernetesDouble | undefined;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "flavorstack-kaniko-signals-"));
    root = path.join(scratch, "context");
    await mkdir(root);
    await writeFile(path.join(root, "Dockerfile"), "FROM scratch\nCOPY a.txt /a.txt\n");
    await writeFile(path.join(root, "a.txt"), "a\n");
  });
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function kubeconfigFile(double: KubernetesDouble): Promise<string> {
    const file = path.join(scratch, `kubeconfig-${Date.now()}`);
    await writeFile(file, double.kubeconfig);
    return file;
  }

  it("SIGINT while the pod is pending: pod deleted, then the process dies of SIGINT", async () => {
    cluster = await startKanikoDouble({ faults: { slowStart: { ms: 60_000 } } });
    const run = runChild({ kubeconfig: await kubeconfigFile(cluster), context: cluster.contextName, root });
    await cluster.waitForPodCount(1, 30_000);
    run.child.kill("SIGINT");
    const exit = await run.exited;
    expect(exit.signal).toBe("SIGINT");
    expect(run.output()).toMatch(
      /SIGINT received: deleting the kaniko build pod zenml-kaniko\/kaniko-build-[0-9a-f]{8}/,
    );
    expect(cluster.pods()).toEqual([]);
  });

  it("SIGTERM while the executor runs: pod deleted, then the process dies of SIGTERM", async () => {
    cluster = await startKubernetesDouble({
      namespaces: [KANIKO_NAMESPACE],
      // An executor that reads the context, logs, then runs until killed.
      executor: async ({ stdin, log, signal }) => {
        for await (const _chunk of stdin) {
          // drain
        }
        log("INFO context received, building forever");
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        return { exitCode: 137, reason: "Error" };
      },
    });
    const run = runChild({ kubeconfig: await kubeconfigFile(cluster), context: cluster.contextName, root });
    const [pod] = await cluster.waitForPodCount(1, 30_000);
    const name = pod?.metadata.name as string;
    const deadline = Date.now() + 30_000;
    while (!/building forever/.test(cluster.logs(KANIKO_NAMESPACE, name) ?? "") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(cluster.logs(KANIKO_NAMESPACE, name)).toMatch(/building forever/);
    run.child.kill("SIGTERM");
    const exit = await run.exited;
    expect(exit.signal).toBe("SIGTERM");
    expect(cluster.pods()).toEqual([]);
  });
});
