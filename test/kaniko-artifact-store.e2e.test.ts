import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  BuildContext,
  BuildError,
  type ContainerRegistry,
  DefaultContainerRegistryFlavor,
  LocalArtifactStoreFlavor,
  silentLogger,
} from "@flavorstack/core";
import type { ArtifactStore } from "@flavorstack/core/plugin";
import { KanikoBuildError, type KanikoImageBuilder } from "@flavorstack/kaniko";
import type { KubernetesDouble, KubernetesDoubleOptions } from "@flavorstack/testing";
import { KANIKO_NAMESPACE, simulatedKaniko } from "@flavorstack/testing/kaniko";
import { manifestDigest, type RunningRegistry, startRegistry } from "@flavorstack/testing/servers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startKanikoBuilder } from "./support/kaniko-builder.js";
import { type StoreBackend, storeBackends } from "./support/store-backends.js";

const CONTEXT_DIR = "kaniko-build-contexts";

/**
 * `storeContextInArtifactStore: true` end to end: the builder uploads the context to a real S3 server (Swift's
 * s3api, signatures checked) or Google's storage emulator, through a proxy that counts the bytes sent; the
 * simulated executor in the Kubernetes double fetches it from there with the env the pod got, checks it and
 * pushes the image to a real registry.
 */
for (const backend of storeBackends()) describeStoreBackend(backend);

function describeStoreBackend(backend: StoreBackend): void {
  describe(`kaniko reads the build context from ${backend.name}`, {
    skip: backend.unavailable !== undefined,
    meta: { skipReason: backend.unavailable },
  }, () => {
    let registry: RunningRegistry;
    let containerRegistry: ContainerRegistry;
    let scratch: string;
    let tinyDir: string;
    let prefixCounter = 0;
    const clusters: KubernetesDouble[] = [];

    beforeAll(async () => {
      await backend.start();
      registry = await startRegistry();
      containerRegistry = await DefaultContainerRegistryFlavor.createComponent({
        name: "registry",
        config: { uri: registry.hostPort },
      });
      scratch = await mkdtemp(path.join(tmpdir(), `flavorstack-kaniko-${backend.name}-`));
      tinyDir = path.join(scratch, "tiny");
      await mkdir(tinyDir);
      await writeFile(path.join(tinyDir, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
      await writeFile(path.join(tinyDir, "hello.txt"), `hello from the ${backend.name} context\n`);
      // Incompressible bytes make an archive of several gzip blocks and upload parts: the executor unpacks it all,
      // so a byte wrong anywhere in the stored object fails the build.
      await writeFile(path.join(tinyDir, "noise.bin"), randomBytes(12 * 1024 * 1024));
    });

    afterEach(async () => {
      for (const cluster of clusters.splice(0)) await cluster.stop();
      backend.proxy.onUpload = undefined;
    });

    afterAll(async () => {
      await registry?.stop();
      await backend.stop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    /** A fresh prefix per test, so listings see only that test's objects. */
    function nextPrefix(): string {
      return `run-${process.pid}-${++prefixCounter}`;
    }

    interface Started {
      cluster: KubernetesDouble;
      builder: KanikoImageBuilder;
      /** The executor containers the double ran (args and resolved env), in order. */
      containers: { args: string[]; env: Record<string, string> }[];
    }

    /** The builder's pod reads the store with credentials from a Secret (envFrom), as the kaniko README shows. */
    async function setup(doubleOptions: KubernetesDoubleOptions = {}): Promise<Started> {
      const containers: Started["containers"] = [];
      const credentials = Object.keys(backend.podCredentials).length > 0;
      const { cluster, builder } = await startKanikoBuilder(
        scratch,
        {
          executor: async (input) => {
            containers.push({ args: input.container.args, env: input.container.env });
            return simulatedKaniko(input);
          },
          ...doubleOptions,
        },
        {
          storeContextInArtifactStore: true,
          ...(credentials ? { envFrom: [{ secretRef: { name: "store-credentials" } }] } : {}),
        },
      );
      clusters.push(cluster);
      if (credentials) cluster.createSecret(KANIKO_NAMESPACE, "store-credentials", backend.podCredentials);
      return { cluster, builder, containers };
    }

    async function build(
      builder: KanikoImageBuilder,
      store: ArtifactStore,
      tag: string,
      options: { signal?: AbortSignal; root?: string } = {},
    ) {
      return builder.build(
        `${registry.hostPort}/flavorstack/kaniko-${backend.scheme}:${tag}`,
        new BuildContext({ root: options.root ?? tinyDir, logger: silentLogger }),
        { artifactStore: store, ...(options.signal ? { signal: options.signal } : {}) },
        containerRegistry,
      );
    }

    it("uploads the context once, the pod reads it from the store with the store's env, and the image is pushed", async () => {
      const prefix = nextPrefix();
      const store = await backend.store(prefix);
      const { cluster, builder, containers } = await setup();
      backend.proxy.reset();

      const first = await build(builder, store, "first");
      expect(await manifestDigest(registry.hostPort, `flavorstack/kaniko-${backend.scheme}`, "first")).toBe(
        first.digest,
      );
      const listed = await backend.listObjects(`${prefix}/${CONTEXT_DIR}/`);
      expect(listed).toHaveLength(1);
      const [object] = listed;
      expect(object?.key).toMatch(new RegExp(`^${prefix}/${CONTEXT_DIR}/[0-9a-f]{64}\\.tar\\.gz$`));
      expect(backend.proxy.uploadedBytes).toBeGreaterThanOrEqual(object?.size ?? Number.POSITIVE_INFINITY);
      expect(containers[0]?.args).toContain(`--context=${backend.scheme}://${backend.bucket}/${object?.key}`);
      expect(containers[0]?.env).toMatchObject(backend.expectedPodEnv);
      expect(cluster.pods()).toEqual([]);

      backend.proxy.reset();
      const second = await build(builder, store, "second");
      expect(second.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(backend.proxy.uploadedBytes).toBe(0);
      expect(await backend.listObjects(`${prefix}/${CONTEXT_DIR}/`)).toEqual(listed);
      expect(containers[1]?.args).toContain(`--context=${backend.scheme}://${backend.bucket}/${object?.key}`);
      expect(cluster.pods()).toEqual([]);
    });

    it("aborting during the upload leaves no object, no pending upload and no pod", async () => {
      const root = path.join(scratch, `big-${backend.name}`);
      await mkdir(root, { recursive: true });
      await writeFile(path.join(root, "Dockerfile"), "FROM scratch\nCOPY blob /blob\n");
      await writeFile(path.join(root, "blob"), randomBytes(24 * 1024 * 1024));
      const prefix = nextPrefix();
      const store = await backend.store(prefix);
      const { cluster, builder, containers } = await setup();
      const controller = new AbortController();
      backend.proxy.onUpload = (bytes) => {
        if (bytes > 2 * 1024 * 1024) controller.abort(new Error("user cancelled"));
      };

      const error = await build(builder, store, "abort", { signal: controller.signal, root }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(BuildError);
      expect((error as Error).message).toMatch(/was aborted\.$/);
      expect(containers).toEqual([]);
      expect(cluster.pods()).toEqual([]);
      await expect.poll(() => backend.listObjects(`${prefix}/`)).toEqual([]);
      await expect.poll(() => backend.pendingUploads(`${prefix}/`)).toEqual([]);
    });

    it("an upload failure says how to switch back to stdin, keeps its cause, leaks no secret and makes no pod", async () => {
      const prefix = nextPrefix();
      const store = await backend.failingStore(prefix);
      const { cluster, builder, containers } = await setup();
      const error = await build(builder, store, "refused").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BuildError);
      const message = (error as Error).message;
      expect(message).toMatch(backend.failingStoreMessage);
      expect(message).toMatch(/set storeContextInArtifactStore to false on the image builder 'cluster-builder'/);
      expect((error as Error).cause).toBeDefined();
      for (const secret of backend.secrets) expect(message).not.toContain(secret);
      expect(containers).toEqual([]);
      expect(cluster.pods()).toEqual([]);
    });

    it("an executor failure is a KanikoBuildError, leaves no pod, and the stored context stays whole", async () => {
      const prefix = nextPrefix();
      const store = await backend.store(prefix);
      const { cluster, builder } = await setup({ faults: { exitCode: { code: 2, message: "RUN make failed" } } });
      const error = await build(builder, store, "fails").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(KanikoBuildError);
      expect((error as KanikoBuildError).exitCode).toBe(2);
      expect(cluster.pods()).toEqual([]);
      const [object] = await backend.listObjects(`${prefix}/${CONTEXT_DIR}/`);
      const context = new BuildContext({ root: tinyDir, logger: silentLogger });
      expect(object?.key).toBe(`${prefix}/${CONTEXT_DIR}/${await context.checksum()}.tar.gz`);
      expect(await backend.pendingUploads(`${prefix}/`)).toEqual([]);
    });

    it("refuses a local artifact store before anything is made", async () => {
      const local = await LocalArtifactStoreFlavor.createComponent({
        name: "local",
        config: { path: path.join(scratch, "local-store") },
      });
      const { cluster, builder } = await setup();
      await expect(build(builder, local, "local")).rejects.toThrowError(/only works with remote artifact stores/);
      expect(cluster.pods()).toEqual([]);
    });
  });
}
