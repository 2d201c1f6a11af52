import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type KubernetesDouble, startKubernetesDouble } from "@flavorstack/testing";
import { KANIKO_NAMESPACE, parseKanikoArgs } from "@flavorstack/testing/kaniko";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const testDir = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
/** The size (≥ 200 MB), and 1 GiB to show the bound does not grow with the context. */
const CONTEXT_SIZES = [208 * MiB, 1024 * MiB];
/** Peak RSS of the whole building process (node itself included), as the issue asks. */
const PEAK_RSS_LIMIT_BYTES = 128 * MiB;

const CHILD = `
const { BuildContext, DefaultContainerRegistryFlavor, silentLogger } = await import("@flavorstack/core");
const { KanikoImageBuilder, KanikoImageBuilderFlavor } = await import("@flavorstack/kaniko");
// What the process costs before any build: node, core and kaniko loaded.
const beforeBuild = process.resourceUsage().maxRSS * 1024;
const input = JSON.parse(process.env.KANIKO_CHILD_INPUT);
const builder = new KanikoImageBuilder(
  { id: "child", name: "child", flavor: "kaniko", config: KanikoImageBuilderFlavor.parseConfig({ kubernetesContext: input.context }) },
  { kubeconfigPath: input.kubeconfig, logger: silentLogger },
);
const registry = await DefaultContainerRegistryFlavor.createComponent({ name: "r", config: { uri: "registry.example.com/team" } });
let sent = 0;
const started = performance.now();
const image = await builder.build(
  "registry.example.com/team/big:memory",
  new BuildContext({ root: input.root, logger: silentLogger }),
  { onProgress: ({ bytes }) => { sent = bytes; } },
  registry,
);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ image: String(image), sent, seconds, beforeBuild, maxRSS: process.resourceUsage().maxRSS * 1024 }));
`;

/** A context of `bytes` of incompressible data (so the gzipped archive is as large) in four files. */
async function writeIncompressibleContext(root: string, bytes: number): Promise<void> {
  await mkdir(root);
  await writeFile(path.join(root, "Dockerfile"), "FROM scratch\nCOPY . /data/\n");
  for (let file = 0; file < 4; file++) {
    const out = createWriteStream(path.join(root, `blob-${file}.bin`));
    for (let written = 0; written < bytes / 4; written += MiB) {
      if (!out.write(randomBytes(MiB))) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
  }
}

describe("kaniko image builder: large contexts stream in bounded memory", () => {
  let scratch: string;
  let cluster: KubernetesDouble;
  let received = 0;
  let receivedSha = "";

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "flavorstack-kaniko-memory-"));
    cluster = await startKubernetesDouble({
      namespaces: [KANIKO_NAMESPACE],
      // Drains stdin (hashing it) and answers like kaniko; no build, no push.
      executor: async ({ stdin, container }) => {
        const hash = createHash("sha256");
        for await (const chunk of stdin) {
          received += (chunk as Buffer).length;
          hash.update(chunk as Buffer);
        }
        receivedSha = hash.digest("hex");
        const destination = parseKanikoArgs(container.args).destinations[0] as string;
        const repository = destination.slice(0, destination.lastIndexOf(":"));
        return { exitCode: 0, terminationMessage: `${repository}@sha256:${receivedSha}\n` };
      },
    });
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it.each(CONTEXT_SIZES)(
    `keeps the building process under ${PEAK_RSS_LIMIT_BYTES / MiB} MiB of peak RSS for %d bytes`,
    async (contextBytes) => {
      const root = path.join(scratch, `context-${contextBytes}`);
      await writeIncompressibleContext(root, contextBytes);
      received = 0;
      const kubeconfig = path.join(scratch, "kubeconfig");
      await writeFile(kubeconfig, cluster.kubeconfig);
      const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
        cwd: testDir,
        env: { ...process.env, KANIKO_CHILD_INPUT: JSON.stringify({ kubeconfig, context: cluster.contextName, root }) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const [code] = (await once(child, "exit")) as [number | null];
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const result = JSON.parse(stdout.trim().split("\n").pop() as string) as {
        image: string;
        sent: number;
        seconds: number;
        beforeBuild: number;
        maxRSS: number;
      };
      const increment = result.maxRSS - result.beforeBuild;
      console.log(
        `kaniko memory e2e: ${(result.sent / MiB).toFixed(1)} MiB archive streamed in ${result.seconds.toFixed(2)} s ` +
          `(${(result.sent / MiB / result.seconds).toFixed(1)} MiB/s); peak RSS ${(result.maxRSS / MiB).toFixed(1)} MiB, ` +
          `of which ${(result.beforeBuild / MiB).toFixed(1)} MiB before the build (node, core and kaniko loaded) ` +
          `and ${(increment / MiB).toFixed(1)} MiB added by the build`,
      );
      expect(result.sent).toBeGreaterThanOrEqual(contextBytes);
      expect(received).toBe(result.sent);
      expect(result.image).toBe(`registry.example.com/team/big:memory@sha256:${receivedSha}`);
      expect(result.maxRSS).toBeLessThan(PEAK_RSS_LIMIT_BYTES);
      expect(cluster.pods()).toEqual([]);
      await rm(root, { recursive: true, force: true });
    },
    300_000,
  );
});
