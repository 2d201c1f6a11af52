import { createFlavorstackContainer, createStack, FlavorRegistryToken, resolve, silentLogger } from "@flavorstack/core";
import { describe, expect, it, vi } from "vitest";

const state = vi.hoisted(() => ({ storageLoaded: false }));
vi.mock("@google-cloud/storage", () => {
  state.storageLoaded = true;
  return {};
});

const { GcpIntegration, GcsArtifactStore, GcsArtifactStoreFlavor } = await import("./index.js");

describe("GcpIntegration", () => {
  it("ships the gcp artifact store flavor and requires @google-cloud/storage", async () => {
    expect(GcpIntegration.name).toBe("gcp");
    expect(GcpIntegration.requirements).toEqual(["@google-cloud/storage"]);
    expect(await GcpIntegration.flavors()).toEqual([GcsArtifactStoreFlavor]);
    expect(await GcpIntegration.isInstalled()).toBe(true);
    expect(GcsArtifactStoreFlavor).toMatchObject({ name: "gcp", type: "artifact_store", integration: "gcp" });
  });

  it("registers the flavor beside core's gcp container registry", async () => {
    const flavors = resolve(createFlavorstackContainer({ logger: silentLogger }), FlavorRegistryToken);
    await GcpIntegration.register(flavors);
    expect(flavors.get("artifact_store", "gcp")).toBe(GcsArtifactStoreFlavor);
    expect(flavors.get("container_registry", "gcp").integration).toBe("built-in");
  });

  it("makes a remote store and validates configs and stacks without loading @google-cloud/storage", async () => {
    const store = await GcsArtifactStoreFlavor.createComponent({
      name: "artifacts",
      config: { path: "gs://my-bucket/artifacts/", project_id: "p" },
    });
    expect(store).toBeInstanceOf(GcsArtifactStore);
    expect(store.path).toBe("gs://my-bucket/artifacts");
    expect(store.bucketName).toBe("my-bucket");
    expect(store.isRemote).toBe(true);
    expect(store.resolve("a/b.txt")).toBe("gs://my-bucket/artifacts/a/b.txt");
    expect(() => GcsArtifactStoreFlavor.parseConfig({ path: "s3://bucket" })).toThrow();
    GcsArtifactStoreFlavor.jsonSchema();
    createStack({ name: "s", components: [store] }).problems();
    expect(state.storageLoaded).toBe(false);
  });
});
