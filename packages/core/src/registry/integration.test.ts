import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import type { Logger } from "../logger.js";
import {
  createFlavorstackContainer,
  FlavorRegistryToken,
  IntegrationRegistryToken,
  resolve,
} from "./dependency-injection.js";
import { defineIntegration } from "./integration.js";

/** A package.json of an ES module package with the integration manifest field. */
function integrationManifest(name: string, field: { integration: string; export?: string }): string {
  return JSON.stringify({ name, type: "module", flavorstack: field });
}

/** A module whose export `exportName` is an integration named `name` with no flavors. */
function integrationModule(exportName: string, name: string): string {
  return `
    export const ${exportName} = {
      name: "${name}", requirements: [],
      flavors: async () => [],
      isInstalled: async () => true,
      missingRequirements: async () => [],
      register: async () => {},
    };`;
}

async function writePackage(root: string, name: string, files: Record<string, string>) {
  const dir = path.join(root, "node_modules", name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
}

describe("Integration", () => {
  it("is installed when every requirement resolves from its location", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "flavorstack-integration-"));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    await writePackage(root, "present-sdk", { "package.json": '{"name":"present-sdk"}' });
    await writePackage(root, "@scope/sdk", { "package.json": '{"name":"@scope/sdk"}' });
    const from = pathToFileURL(path.join(root, "src", "deep", "integration.js"));
    const complete = defineIntegration({
      name: "ok",
      requirements: ["present-sdk", "@scope/sdk@^1"],
      flavors: () => [],
      resolveFrom: from,
    });
    expect(await complete.isInstalled()).toBe(true);
    const partial = defineIntegration({
      name: "partial",
      requirements: ["present-sdk", "absent-sdk"],
      flavors: () => [],
      resolveFrom: from,
    });
    expect(await partial.isInstalled()).toBe(false);
    expect(await partial.missingRequirements()).toEqual(["absent-sdk"]);
  });
});

describe("IntegrationRegistry.discover", () => {
  it("registers installed integration packages and logs, not raises, broken ones", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "flavorstack-discover-"));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    await writePackage(root, "@flavorstack/acme", {
      "package.json": integrationManifest("@flavorstack/acme", { integration: "./integration.js" }),
      "integration.js": integrationModule("integration", "acme"),
    });
    await writePackage(root, "flavorstack-broken", {
      "package.json": integrationManifest("flavorstack-broken", { integration: "./integration.js" }),
      "integration.js": "throw new Error('boom at import');",
    });
    await writePackage(root, "@flavorstack/named", {
      "package.json": integrationManifest("@flavorstack/named", {
        integration: "./index.js",
        export: "NamedIntegration",
      }),
      "index.js": integrationModule("NamedIntegration", "named"),
    });
    await writePackage(root, "flavorstack-misnamed", {
      "package.json": integrationManifest("flavorstack-misnamed", {
        integration: "./index.js",
        export: "MisnamedIntegration",
      }),
      "index.js": "export const SomethingElse = {};",
    });
    await writePackage(root, "unrelated", {
      "package.json": JSON.stringify({ name: "unrelated", flavorstack: { integration: "./nope.js" } }),
    });
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (message) => warnings.push(message) };
    const container = createFlavorstackContainer({ logger });
    const found = await resolve(container, IntegrationRegistryToken).discover(path.join(root, "app"));
    expect(found.map((integration) => integration.name).sort()).toEqual(["acme", "named"]);
    expect(resolve(container, IntegrationRegistryToken).get("acme").name).toBe("acme");
    expect(warnings.sort()).toHaveLength(2);
    expect(warnings[0]).toMatch(/Could not load the integration in .*flavorstack-broken: boom at import/);
    expect(warnings[1]).toMatch(
      /flavorstack-misnamed: \.\/index\.js has no 'MisnamedIntegration' export that is an Integration: fix the "flavorstack" field of its package\.json/,
    );
    expect(resolve(container, FlavorRegistryToken).list().length).toBeGreaterThan(0);

    const registry = resolve(container, IntegrationRegistryToken);
    const problems = registry.problems().sort((a, b) => a.packageDir.localeCompare(b.packageDir));
    expect(problems.map((problem) => path.basename(problem.packageDir))).toEqual([
      "flavorstack-broken",
      "flavorstack-misnamed",
    ]);
    expect(problems[0]?.message).toBe("boom at import");
    // A second discovery from the same place neither retries nor repeats the broken packages.
    expect(await registry.discover(path.join(root, "app"))).toEqual([]);
    expect(registry.problems()).toHaveLength(2);
    expect(warnings).toHaveLength(2);
  });
});
