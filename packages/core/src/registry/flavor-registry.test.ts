import { describe, expect, it } from "vitest";
import { DefaultContainerRegistryFlavor } from "../container-registries/default/default-container-registry-flavor.js";
import { RegistryError } from "../errors.js";
import { BUILTIN_FLAVORS } from "./builtin-integration.js";
import { FlavorRegistry } from "./flavor-registry.js";

describe("FlavorRegistry", () => {
  const registry = new FlavorRegistry();
  for (const flavor of BUILTIN_FLAVORS) registry.register(flavor);

  it("keys flavors by type and name", () => {
    expect(registry.get("container_registry", "default")).toBe(DefaultContainerRegistryFlavor);
    expect(registry.get("image_builder", "local").type).toBe("image_builder");
    expect(registry.get("artifact_store", "local").type).toBe("artifact_store");
    expect(registry.has("image_builder", "default")).toBe(false);
  });

  it("lists sorted, optionally by type", () => {
    expect(registry.list("container_registry").map((f) => f.name)).toEqual([
      "aws",
      "azure",
      "default",
      "dockerhub",
      "gcp",
      "github",
    ]);
    expect(registry.list().map((f) => f.type)).toEqual([...registry.list().map((f) => f.type)].sort());
  });

  it("refuses duplicates", () => {
    expect(() => registry.register(DefaultContainerRegistryFlavor)).toThrowError(RegistryError);
    expect(() => registry.register(DefaultContainerRegistryFlavor)).toThrowError(
      "A container_registry flavor named 'default' is already registered",
    );
  });

  it("names the known flavors when one is unknown", () => {
    expect(() => registry.get("image_builder", "kaniko")).toThrowError(
      "No image_builder flavor named 'kaniko'. Known image_builder flavors: local.",
    );
    expect(() => registry.get("orchestrator", "k8s")).toThrowError("No orchestrator flavors are registered.");
  });
});
