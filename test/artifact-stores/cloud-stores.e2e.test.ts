import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { BuildContext, silentLogger } from "@flavorstack/core";
import type { ArtifactStore } from "@flavorstack/core/plugin";
import { GcsArtifactStoreFlavor } from "@flavorstack/gcp";
import { KanikoImageBuilder, KanikoImageBuilderFlavor } from "@flavorstack/kaniko";
import { S3ArtifactStoreFlavor } from "@flavorstack/s3";
import { describe, expect, it, onTestFinished } from "vitest";

/**
 * The stores against real clouds, with the machine's default credentials, when configured:
 *   FLAVORSTACK_E2E_S3_PATH   s3://bucket/prefix the credentials may write to (AWS's default chain)
 *   FLAVORSTACK_E2E_GCS_PATH  gs://bucket/prefix (application default credentials)
 * A build context is uploaded twice, under `<path>/flavorstack-e2e-<pid>-<time>/` (removed afterwards): the second
 * time nothing. The stores' contract runs on the same variables in packages/s3 and packages/gcp, and
 * kaniko-cluster.e2e.test.ts builds from these stores on a real cluster when one is configured as well.
 */
const RUN = `flavorstack-e2e-${process.pid}-${Date.now()}`;
const clouds = [
  {
    name: "S3",
    variable: "FLAVORSTACK_E2E_S3_PATH",
    create: (root: string) => S3ArtifactStoreFlavor.createComponent({ name: "s3-e2e", config: { path: root } }),
  },
  {
    name: "GCS",
    variable: "FLAVORSTACK_E2E_GCS_PATH",
    create: (root: string) => GcsArtifactStoreFlavor.createComponent({ name: "gcs-e2e", config: { path: root } }),
  },
];

for (const cloud of clouds) {
  const base = process.env[cloud.variable]?.replace(/\/+$/, "");
  const skipReason = `set ${cloud.variable} to run the ${cloud.name} store against the real service`;
  if (!base) console.log(`${cloud.name} real-cloud e2e skipped: ${skipReason}.`);
  let counter = 0;
  const freshStore = async (): Promise<ArtifactStore> => cloud.create(`${base}/${RUN}-${++counter}`);

  describe(`${cloud.name} artifact store → the real service`, { skip: !base, meta: { skipReason } }, () => {
    it("uploads a build context once, and the second time nothing", async () => {
      const store = await freshStore();
      onTestFinished(() => store.rmtree(store.path).catch(() => {}));
      const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-cloud-context-"));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      await writeFile(path.join(dir, "Dockerfile"), "FROM scratch\nCOPY hello.txt /\n");
      await writeFile(path.join(dir, "hello.txt"), `hello ${RUN}\n`);
      const context = new BuildContext({ root: dir, logger: silentLogger });
      const builder = new KanikoImageBuilder({
        id: "cloud",
        name: "cloud",
        flavor: "kaniko",
        config: KanikoImageBuilderFlavor.parseConfig({
          kubernetesContext: "unused",
          storeContextInArtifactStore: true,
        }),
      });
      const first = await builder.uploadBuildContext(context, "kaniko-build-contexts", store);
      const second = await builder.uploadBuildContext(context, "kaniko-build-contexts", store);
      expect(first).toMatchObject({ uploaded: true });
      expect(first.bytes).toBe(await store.size(first.uri));
      expect(second).toEqual({ ...first, uploaded: false, bytes: 0 });
    }, 300_000);
  });
}
