import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Executor } from "../kubernetes/kubelet/executor.js";
import type { KubernetesDouble } from "../kubernetes/start-kubernetes-double.js";
import { manifestDigest, type RunningRegistry, startRegistry } from "../servers/docker-registry.js";
import { contextArchive } from "../test-support/context-archive.js";
import { buildPod, collector, kubeClients, stdinStream, waitForPhase } from "../test-support/kube-clients.js";
import { isBuildahAvailable } from "./buildah-build.js";
import { createSimulatedKaniko, simulatedKaniko } from "./simulated-kaniko.js";
import { KANIKO_NAMESPACE, startKanikoDouble } from "./start-kaniko-double.js";

const NAMESPACE = KANIKO_NAMESPACE;

describe("simulatedKaniko end to end (client-node → double → real registry)", () => {
  let registry: RunningRegistry;
  let archive: Buffer;
  beforeAll(async () => {
    registry = await startRegistry();
    archive = await contextArchive({
      Dockerfile: "FROM scratch\nCOPY hello.txt /hello.txt\n",
      "hello.txt": "hello from flavorstack\n",
    });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  async function build(executor: Executor | undefined, name: string, tag: string, context: Buffer = archive) {
    const cluster: KubernetesDouble = await startKanikoDouble(executor ? { executor } : {});
    try {
      const { core, attach } = kubeClients(cluster);
      const destination = `${registry.hostPort}/flavorstack/${name}:${tag}`;
      await core.createNamespacedPod({
        namespace: NAMESPACE,
        body: buildPod(name, {
          args: [
            "--dockerfile=Dockerfile",
            "--context=tar://stdin",
            `--destination=${destination}`,
            "--image-name-with-digest-file=/dev/termination-log",
            "--label=org.example.built-by=flavorstack",
            "--snapshot-mode=redo",
          ],
        }),
      });
      await waitForPhase(core, NAMESPACE, name, ["Running"]);
      const stdin = stdinStream();
      const stdout = collector();
      const stderr = collector();
      await attach.attach(NAMESPACE, name, "kaniko", stdout.stream, stderr.stream, stdin, false);
      stdin.end(context);
      const pod = await waitForPhase(core, NAMESPACE, name, ["Succeeded", "Failed"], 60_000);
      return { pod, log: cluster.logs(NAMESPACE, name) ?? "", stdout: stdout.text(), stderr: stderr.text() };
    } finally {
      await cluster.stop();
    }
  }

  it.each([
    ["startKanikoDouble's default executor (buildah when installed)", undefined, "e2e-default"],
    ["a one-layer image pushed over the registry API", createSimulatedKaniko({ buildah: "never" }), "e2e-oci"],
  ])(
    "builds from a gzip tar on attach stdin with %s and writes the digest as the termination message",
    async (_label, executor, name) => {
      const { pod, log } = await build(executor, name, "v1");
      const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
      expect(terminated?.exitCode, log).toBe(0);
      expect(pod.status?.phase).toBe("Succeeded");
      const message = terminated?.message ?? "";
      const pattern = new RegExp(
        `^${registry.hostPort.replace(/\./g, "\\.")}/flavorstack/${name}@(sha256:[0-9a-f]{64})\\n$`,
      );
      expect(message).toMatch(pattern);
      const digest = pattern.exec(message)?.[1];
      expect(await manifestDigest(registry.hostPort, `flavorstack/${name}`, "v1")).toBe(digest);
      expect(log).toContain("WARN flag --snapshot-mode=redo is accepted but not simulated by the double");
    },
    120_000,
  );

  it("uses buildah when it is installed", async () => {
    expect(await isBuildahAvailable()).toBe(true);
  });

  it("fails with exit code 1 and an error line when the Dockerfile is missing", async () => {
    const noDockerfile = await contextArchive({ "hello.txt": "hi\n" });
    const { pod, log, stderr } = await build(simulatedKaniko, "e2e-missing", "v1", noDockerfile);
    expect(pod.status?.phase).toBe("Failed");
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.message).toBeUndefined();
    expect(log).toMatch(/^error building image: error resolving dockerfile path/m);
    expect(stderr).toContain("error building image");
  }, 60_000);

  it("fails with exit code 1 on a context that is not gzip", async () => {
    const { pod, log } = await build(simulatedKaniko, "e2e-garbage", "v1", Buffer.from("not a tarball"));
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(1);
    expect(log).toMatch(/^error building image: .*(incorrect header check|unexpected end)/m);
  }, 60_000);
});
