import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { BuildContext, DefaultContainerRegistryFlavor, silentLogger } from "@flavorstack/core";
import type { ArtifactStore } from "@flavorstack/core/plugin";
import { KanikoImageBuilder, KanikoImageBuilderFlavor } from "@flavorstack/kaniko";
import { describe, expect, it } from "vitest";

/**
 * The success case against a real cluster and registry, when configured:
 *   FLAVORSTACK_E2E_KUBECONFIG  kubeconfig file
 *   FLAVORSTACK_E2E_REGISTRY    registry URI the pod can push to, e.g. ghcr.io/acme
 *   FLAVORSTACK_E2E_CONTEXT     context (default: the kubeconfig's current one)
 *   FLAVORSTACK_E2E_KANIKO_CONFIG  extra builder config as JSON (namespace, env, volumes for push credentials, ...)
 * and with FLAVORSTACK_E2E_S3_PATH or FLAVORSTACK_E2E_GCS_PATH also from the context uploaded there (the pod reads it
 * with the credentials FLAVORSTACK_E2E_KANIKO_CONFIG gives it: see the kaniko README's examples).
 */
const kubeconfig = process.env.FLAVORSTACK_E2E_KUBECONFIG;
const registryUri = process.env.FLAVORSTACK_E2E_REGISTRY;
const configured = Boolean(kubeconfig && registryUri);
const SKIP_REASON = "set FLAVORSTACK_E2E_KUBECONFIG and FLAVORSTACK_E2E_REGISTRY to run it against a cluster";
if (!configured) console.log(`kaniko real-cluster e2e skipped: ${SKIP_REASON}.`);

describe("kaniko image builder → real cluster → real registry", {
  skip: !configured,
  meta: { skipReason: SKIP_REASON },
}, () => {
  const sources: { name: string; store?: () => Promise<ArtifactStore> }[] = [{ name: "streamed over stdin" }];
  const s3Path = process.env.FLAVORSTACK_E2E_S3_PATH;
  const gcsPath = process.env.FLAVORSTACK_E2E_GCS_PATH;
  if (s3Path) {
    sources.push({
      name: `read from ${s3Path}`,
      store: async () =>
        (await import("@flavorstack/s3")).S3ArtifactStoreFlavor.createComponent({
          name: "s3",
          config: { path: s3Path },
        }),
    });
  }
  if (gcsPath) {
    sources.push({
      name: `read from ${gcsPath}`,
      store: async () =>
        (await import("@flavorstack/gcp")).GcsArtifactStoreFlavor.createComponent({
          name: "gcs",
          config: { path: gcsPath },
        }),
    });
  }

  it.for(sources)(
    "builds a tiny image with the context $name, returns its digest and leaves no pod",
    {
      timeout: 600_000,
    },
    async (source) => {
      const { loadClientNode } = await import("@flavorstack/kaniko/internal");
      const k8s = await loadClientNode();
      const config = new k8s.KubeConfig();
      config.loadFromFile(kubeconfig as string);
      const context = process.env.FLAVORSTACK_E2E_CONTEXT ?? config.getCurrentContext();
      const extra = JSON.parse(process.env.FLAVORSTACK_E2E_KANIKO_CONFIG ?? "{}") as Record<string, unknown>;
      const builder = new KanikoImageBuilder(
        {
          id: "kaniko-real-cluster",
          name: "real-cluster",
          flavor: "kaniko",
          config: KanikoImageBuilderFlavor.parseConfig({
            kubernetesContext: context,
            ...extra,
            storeContextInArtifactStore: source.store !== undefined,
          }),
        },
        { kubeConfig: config, logger: silentLogger },
      );
      const registry = await DefaultContainerRegistryFlavor.createComponent({
        name: "registry",
        config: { uri: registryUri },
      });
      const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-kaniko-cluster-"));
      try {
        await mkdir(path.join(dir, "app"));
        await writeFile(path.join(dir, "Dockerfile"), "FROM scratch\nCOPY app/ /app/\n");
        await writeFile(path.join(dir, "app", "hello.txt"), `hello ${new Date().toISOString()}\n`);
        const image = await builder.build(
          `${registryUri}/flavorstack-kaniko-e2e:${Date.now()}`,
          new BuildContext({ root: dir, logger: silentLogger }),
          {
            onLog: (line) => console.log(`[kaniko] ${line}`),
            ...(source.store ? { artifactStore: await source.store() } : {}),
          },
          registry,
        );
        expect(image.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
        const core = config.makeApiClient(k8s.CoreV1Api);
        const left = await core.listNamespacedPod({
          namespace: builder.config.kubernetesNamespace,
          labelSelector: "flavorstack.io/component=kaniko-build",
        });
        expect(
          left.items.filter((pod) => pod.metadata?.annotations?.["flavorstack.io/image"]?.startsWith(image.name)),
        ).toEqual([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
