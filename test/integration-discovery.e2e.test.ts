import path from "node:path";
import { fileURLToPath } from "node:url";
import { createFlavorstackContainer, FlavorRegistryToken, IntegrationRegistryToken, resolve } from "@flavorstack/core";
import { describe, expect, it } from "vitest";

const testDir = path.dirname(fileURLToPath(import.meta.url));

describe("integration discovery of the installed packages", () => {
  it("finds @flavorstack/kaniko through its package.json and registers the kaniko image builder flavor", async () => {
    const warnings: string[] = [];
    const container = createFlavorstackContainer({
      logger: { debug() {}, info() {}, warn: (message) => warnings.push(message) },
    });
    const found = await resolve(container, IntegrationRegistryToken).discover(testDir);
    expect(warnings).toEqual([]);
    expect(found.map((integration) => integration.name)).toContain("kaniko");
    const flavor = resolve(container, FlavorRegistryToken).get("image_builder", "kaniko");
    expect(flavor.integration).toBe("kaniko");
  });
});
