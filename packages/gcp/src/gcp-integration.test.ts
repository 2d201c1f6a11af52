import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createFlavorstackContainer, FlavorRegistryToken, resolve, silentLogger } from "@flavorstack/core";
import { describe, expect, it } from "vitest";
import { GcpIntegration, GcsArtifactStoreFlavor } from "./index.js";

const run = promisify(execFile);

/**
 * Runs in a fresh Node process on the TypeScript sources (Node strips the types; `./x.js` resolves to `./x.ts`) and
 * prints every module loaded while importing the package, registering its flavors, validating configs, reading the
 * JSON Schema and making a store: all before any storage operation.
 */
const WITHOUT_OPERATIONS = `
import { registerHooks } from "node:module";
const loaded = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!specifier.startsWith(".") || !specifier.endsWith(".js")) throw error;
      return nextResolve(specifier.slice(0, -3) + ".ts", context);
    }
  },
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
const { GcpIntegration, GcsArtifactStoreFlavor } = await import(${JSON.stringify(new URL("./index.ts", import.meta.url).href)});
const flavors = await GcpIntegration.flavors();
GcsArtifactStoreFlavor.parseConfig({ path: "gs://bucket/prefix", project_id: "p" });
try { GcsArtifactStoreFlavor.parseConfig({ path: "s3://bucket" }); } catch {}
GcsArtifactStoreFlavor.jsonSchema();
const store = await GcsArtifactStoreFlavor.createComponent({ name: "g", config: { path: "gs://bucket/prefix" } });
store.resolve("a/b.txt");
process.stdout.write(JSON.stringify({ loaded, flavors: flavors.map((flavor) => flavor.name) }));
`;

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

  it("loads no @google-cloud module until a store operation runs", async () => {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", WITHOUT_OPERATIONS], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const report = JSON.parse(stdout) as { loaded: string[]; flavors: string[] };
    expect(report.flavors).toEqual(["gcp"]);
    expect(report.loaded).toContain(new URL("./gcs-artifact-store.ts", import.meta.url).href);
    expect(report.loaded.filter((url) => /@google-cloud|google-auth-library|gaxios/.test(url))).toEqual([]);
  }, 60_000);
});
