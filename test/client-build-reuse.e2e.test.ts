// Build reuse through @flavorstack/client: the second build of an unchanged context returns the first build's image
// without building. With the local builder (buildah) and with kaniko on the Kubernetes double (no pod, no upload).
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildInput, Client } from "@flavorstack/client";
import { SKIP_STACK_VALIDATION_ENV, silentLogger } from "@flavorstack/core";
import type { KubernetesDouble } from "@flavorstack/testing";
import { KANIKO_NAMESPACE, startKanikoDouble } from "@flavorstack/testing/kaniko";
import { manifestDigest, type RunningRegistry, startRegistry } from "@flavorstack/testing/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushBusyboxBase } from "./support/busybox-base.js";
import { storeBackends } from "./support/store-backends.js";

const testDir = path.dirname(fileURLToPath(import.meta.url));
const helloDir = path.resolve(testDir, "../examples/hello");
/** The integrations installed here (test/node_modules): kaniko, s3, gcp. */
const integrationSearchDirs = [testDir];

let registry: RunningRegistry;
let baseImage: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  cleanups.push(() => registry.stop());
  baseImage = await pushBusyboxBase(registry.hostPort);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of examples/hello to change files in. */
async function helloCopy(): Promise<string> {
  const dir = path.join(await scratchDir("flavorstack-reuse-context-"), "hello");
  await cp(helloDir, dir, { recursive: true });
  return dir;
}

/**
 * Sets process env for the kaniko builds, restored by the returned function: the builder reads KUBECONFIG, and
 * kaniko's stack validator refuses a registry on 127.0.0.1 (the double's executor pushes there, a real cluster
 * could not), which FLAVORSTACK_SKIP_STACK_VALIDATION lets through as ZENML_SKIP_STACK_VALIDATION does.
 */
function setKanikoEnv(kubeconfig: string): () => void {
  const saved = {
    KUBECONFIG: process.env.KUBECONFIG,
    [SKIP_STACK_VALIDATION_ENV]: process.env[SKIP_STACK_VALIDATION_ENV],
  };
  process.env.KUBECONFIG = kubeconfig;
  process.env[SKIP_STACK_VALIDATION_ENV] = "1";
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A Kubernetes double running the simulated kaniko, and the process env pointed at it until `restoreEnv()`. */
async function startCluster(): Promise<{ cluster: KubernetesDouble; restoreEnv: () => void }> {
  const cluster = await startKanikoDouble({});
  cleanups.push(() => cluster.stop());
  const kubeconfig = path.join(await scratchDir("flavorstack-reuse-kubeconfig-"), "kubeconfig");
  await writeFile(kubeconfig, cluster.kubeconfig);
  return { cluster, restoreEnv: setKanikoEnv(kubeconfig) };
}

interface ComponentSpec {
  flavor: string;
  config: Record<string, unknown>;
}

/**
 * A client on a store of its own holding stack `name`: the test registry, the image builder given and the artifact
 * store given (else the default local one).
 */
async function clientWithStack(
  name: string,
  components: { imageBuilder: ComponentSpec; artifactStore?: ComponentSpec },
): Promise<Client> {
  const home = await scratchDir(`flavorstack-reuse-${name}-`);
  const client = await Client.open({
    cwd: home,
    env: { FLAVORSTACK_HOME: home },
    logger: silentLogger,
    integrationSearchDirs,
  });
  cleanups.push(() => client.close());
  if (components.artifactStore) {
    await client.registerComponent({ type: "artifact_store", name: "bucket", ...components.artifactStore });
  }
  await client.registerComponent({
    type: "container_registry",
    flavor: "default",
    name: "registry",
    config: { uri: registry.hostPort },
  });
  await client.registerComponent({ type: "image_builder", name: "builder", ...components.imageBuilder });
  await client.registerStack({
    name,
    components: {
      artifact_store: components.artifactStore ? "bucket" : "default",
      container_registry: "registry",
      image_builder: "builder",
    },
  });
  return client;
}

/** Pods the double scheduled so far: each leaves a Scheduled event behind, also after it is deleted. */
function podsScheduled(cluster: KubernetesDouble): number {
  return new Set(
    cluster
      .events()
      .filter((event) => event.reason === "Scheduled")
      .map((event) => event.involvedObject.name),
  ).size;
}

async function deleteManifest(repository: string, digest: string): Promise<void> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, { method: "DELETE" });
  expect(response.status).toBe(202);
}

describe("build reuse with the local builder (buildah)", () => {
  let client: Client;
  let contextDir: string;

  beforeAll(async () => {
    contextDir = await helloCopy();
    client = await clientWithStack("local", { imageBuilder: { flavor: "local", config: { engine: "buildah" } } });
  });

  const build = (options: Partial<BuildInput> = {}) =>
    client.build({
      contextDir,
      image: "flavorstack/hello:reuse",
      stack: "local",
      buildArgs: { BASE_IMAGE: baseImage },
      ...options,
    });

  it("builds once, then reuses the image while the registry has it; --no-reuse and any change build again", async () => {
    const first = await build();
    expect(first.reused).toBe(false);
    expect(first.image).toMatch(new RegExp(`^${registry.hostPort}/flavorstack/hello:reuse@sha256:[0-9a-f]{64}$`));
    expect(await manifestDigest(registry.hostPort, "flavorstack/hello", "reuse")).toBe(first.image.split("@")[1]);

    const logs: string[] = [];
    const second = await build({
      onLog: (line) => logs.push(line),
      logger: { ...silentLogger, info: (message: string) => logs.push(message) },
    });
    expect(second).toEqual({ ...first, reused: true });
    expect(logs.join("\n")).toMatch(/^Reusing build /m);
    expect(logs.join("\n")).not.toMatch(/STEP|COPY/);

    expect((await build({ reuse: false })).reused).toBe(false);
    expect((await build({ labels: { changed: "yes" } })).reused).toBe(false);
    await writeFile(path.join(contextDir, "app", "hello.txt"), "hello again\n");
    const changed = await build();
    expect(changed.reused).toBe(false);
    expect(changed.checksum).not.toBe(first.checksum);
  });

  it("builds again when the registry no longer has the recorded image", async () => {
    const first = await build();
    expect((await build()).reused).toBe(true);
    await deleteManifest("flavorstack/hello", first.image.split("@")[1] ?? "");
    const rebuilt = await build();
    expect(rebuilt.reused).toBe(false);
    expect(await manifestDigest(registry.hostPort, "flavorstack/hello", "reuse")).toBe(rebuilt.image.split("@")[1]);
  });

  it("the base image's digest is part of the checksum: a new base builds again", async () => {
    const first = await build();
    expect((await build()).reused).toBe(true);
    // Push the base again under the same tag with other content: its digest changes.
    const rebaseDir = await helloCopy();
    await writeFile(path.join(rebaseDir, "Dockerfile"), `FROM ${baseImage}\nRUN echo other > /other.txt\n`);
    const rebased = await client.build({ contextDir: rebaseDir, image: "flavorstack/busybox:latest", stack: "local" });
    expect(rebased.reused).toBe(false);
    const after = await build();
    expect(after.reused).toBe(false);
    expect(after.checksum).not.toBe(first.checksum);
  });
});

describe("build reuse with kaniko on the Kubernetes double", () => {
  let cluster: KubernetesDouble;
  let restoreEnv: () => void;
  let client: Client;
  let contextDir: string;

  beforeAll(async () => {
    contextDir = await helloCopy();
    ({ cluster, restoreEnv } = await startCluster());
    client = await clientWithStack("cluster", {
      imageBuilder: { flavor: "kaniko", config: { kubernetesContext: cluster.contextName } },
    });
  });

  afterAll(() => restoreEnv?.());

  it("the second build of an unchanged context creates no pod and streams nothing", async () => {
    const sent: number[] = [];
    const build = () =>
      client.build({
        contextDir,
        image: "flavorstack/hello:kaniko-reuse",
        stack: "cluster",
        buildArgs: { BASE_IMAGE: baseImage },
        onProgress: ({ bytes }) => sent.push(bytes),
      });
    const first = await build();
    expect(first.reused).toBe(false);
    expect(sent.at(-1)).toBeGreaterThan(0);
    expect(podsScheduled(cluster)).toBe(1);

    sent.length = 0;
    const second = await build();
    expect(second).toEqual({ ...first, reused: true });
    expect(sent).toEqual([]);
    expect(podsScheduled(cluster)).toBe(1);
    expect(cluster.pods()).toEqual([]);
  });
});

for (const backend of storeBackends()) {
  describe(`build reuse with kaniko reading its context from ${backend.name}`, {
    skip: backend.unavailable !== undefined,
    meta: { skipReason: backend.unavailable },
  }, () => {
    let cluster: KubernetesDouble;
    let restoreEnv: () => void;
    let client: Client;
    let contextDir: string;

    beforeAll(async () => {
      await backend.start();
      cleanups.push(() => backend.stop());
      contextDir = await helloCopy();
      ({ cluster, restoreEnv } = await startCluster());
      const credentials = Object.keys(backend.podCredentials).length > 0;
      if (credentials) cluster.createSecret(KANIKO_NAMESPACE, "store-credentials", backend.podCredentials);
      client = await clientWithStack("cloud", {
        // The S3 key and secret are secret fields: the client keeps them in the component's own encrypted secret.
        artifactStore: backend.storeConfig(`reuse-${process.pid}`),
        imageBuilder: {
          flavor: "kaniko",
          config: {
            kubernetesContext: cluster.contextName,
            storeContextInArtifactStore: true,
            ...(credentials ? { envFrom: [{ secretRef: { name: "store-credentials" } }] } : {}),
          },
        },
      });
    });

    afterAll(() => restoreEnv?.());

    it("uploads the context once; the reused build uploads no byte and starts no pod", async () => {
      const build = () =>
        client.build({
          contextDir,
          image: "flavorstack/hello:store-reuse",
          stack: "cloud",
          buildArgs: { BASE_IMAGE: baseImage },
        });
      backend.proxy.reset();
      const first = await build();
      expect(first.reused).toBe(false);
      expect(backend.proxy.uploadedBytes).toBeGreaterThan(0);
      expect(podsScheduled(cluster)).toBe(1);

      backend.proxy.reset();
      const second = await build();
      expect(second).toEqual({ ...first, reused: true });
      expect(backend.proxy.uploadedBytes).toBe(0);
      expect(podsScheduled(cluster)).toBe(1);
      expect(cluster.pods()).toEqual([]);
    });
  });
}
