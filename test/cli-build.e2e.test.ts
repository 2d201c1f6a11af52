// `flavorstack build` through the built binary, as a new user runs it: a stack of the local builder (buildah) and a
// real registry, registered with the CLI in an empty directory; the second build of the same inputs is reused. And
// Ctrl-C during a kaniko build on the Kubernetes double leaves no pod.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SKIP_STACK_VALIDATION_ENV } from "@flavorstack/core";
import type { KubernetesDouble } from "@flavorstack/testing";
import { startKanikoDouble } from "@flavorstack/testing/kaniko";
import { manifestDigest, type RunningRegistry, startRegistry } from "@flavorstack/testing/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushBusyboxBase } from "./support/busybox-base.js";
import { type CliResult, runFlavorstack, startFlavorstack } from "./support/flavorstack-cli.js";

const HELLO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../examples/hello");

let registry: RunningRegistry;
let baseImage: string;
let dir: string;

const flavorstack = (...args: string[]) => runFlavorstack(args, dir);

async function ok(...args: string[]): Promise<CliResult> {
  const result = await flavorstack(...args);
  expect(result.code, `flavorstack ${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result;
}

beforeAll(async () => {
  registry = await startRegistry();
  baseImage = await pushBusyboxBase(registry.hostPort);
  dir = await mkdtemp(path.join(tmpdir(), "flavorstack-cli-build-"));
  await cp(HELLO_DIR, path.join(dir, "hello"), { recursive: true });
  await ok("container-registry", "register", "registry", "--flavor", "default", "--uri", registry.hostPort);
  await ok("image-builder", "register", "buildah", "--flavor", "local", "--engine", "buildah");
  await ok("stack", "register", "local", "-a", "default", "-c", "registry", "-i", "buildah", "--set");
});

afterAll(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("flavorstack build", () => {
  const build = (...extra: string[]) =>
    flavorstack(
      "build",
      "hello",
      "--image",
      "flavorstack/hello:cli",
      "--build-arg",
      `BASE_IMAGE=${baseImage}`,
      ...extra,
    );

  it("prints only the pushed reference with its digest on stdout, progress and the build's log on stderr", async () => {
    const first = await build("--label", "org.example.test=cli");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${registry.hostPort}/flavorstack/hello:cli@sha256:[0-9a-f]{64}\\n$`));
    expect(first.stdout.trim().split("@")[1]).toBe(await manifestDigest(registry.hostPort, "flavorstack/hello", "cli"));
    expect(first.stderr).toMatch(/^archive: started$/m);
    expect(first.stderr).toMatch(/^archive: .*, done$/m);
    expect(first.stderr).toMatch(/STEP|COPY/);

    const second = await build("--label", "org.example.test=cli");
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toMatch(/^Reusing build /m);
    expect(second.stderr).not.toMatch(/STEP|COPY|archive: started/);

    const forced = await build("--label", "org.example.test=cli", "--no-reuse");
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/STEP|COPY/);
  });

  it("a failing build exits 1 with one message and no stack trace", async () => {
    await writeFile(path.join(dir, "hello", "Dockerfile.broken"), "ARG BASE_IMAGE\nFROM $BASE_IMAGE\nRUN false\n");
    const broken = await build("--dockerfile", "Dockerfile.broken");
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe("");
    expect(broken.stderr).toMatch(/^error: /m);
    expect(broken.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("flavorstack build with kaniko on the Kubernetes double", () => {
  let cluster: KubernetesDouble;
  let env: Record<string, string>;

  beforeAll(async () => {
    // The pod stays pending for a minute: Ctrl-C comes while it exists.
    cluster = await startKanikoDouble({ faults: { slowStart: { ms: 60_000 } } });
    const kubeconfig = path.join(dir, "kubeconfig");
    await writeFile(kubeconfig, cluster.kubeconfig);
    // kaniko's validator refuses a registry on 127.0.0.1, which a cluster could not reach; the double can.
    env = { KUBECONFIG: kubeconfig, [SKIP_STACK_VALIDATION_ENV]: "1" };
    await ok("image-builder", "register", "kaniko", "--flavor", "kaniko", "--kubernetes-context", cluster.contextName);
    await ok("stack", "register", "cluster", "-a", "default", "-c", "registry", "-i", "kaniko");
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it("Ctrl-C while the pod is pending: the pod is deleted and the command ends with one message", async () => {
    const run = startFlavorstack(
      [
        "build",
        "hello",
        "--image",
        "flavorstack/hello:interrupted",
        "--stack",
        "cluster",
        "--build-arg",
        `BASE_IMAGE=${baseImage}`,
      ],
      dir,
      env,
    );
    await cluster.waitForPodCount(1, 60_000);
    run.child.kill("SIGINT");
    const result = await run.result;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/deleting the kaniko build pod zenml-kaniko\/kaniko-build-[0-9a-f]{8}/);
    expect(result.stderr).toMatch(/^error: The build of \S+ was interrupted by SIGINT\.$/m);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(cluster.pods()).toEqual([]);
  });
});
