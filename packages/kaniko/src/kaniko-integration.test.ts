import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { createFlavorstackContainer, createStack, FlavorRegistryToken, resolve, silentLogger } from "@flavorstack/core";
import { describe, expect, it, vi } from "vitest";

const state = vi.hoisted(() => ({ clientNodeLoaded: false }));
vi.mock("@kubernetes/client-node", () => {
  state.clientNodeLoaded = true;
  return {};
});

const { KanikoImageBuilder, KanikoImageBuilderFlavor, KanikoIntegration } = await import("./index.js");

describe("KanikoIntegration", () => {
  it("ships the kaniko image builder flavor and requires @kubernetes/client-node", async () => {
    expect(KanikoIntegration.name).toBe("kaniko");
    expect(KanikoIntegration.requirements).toEqual(["@kubernetes/client-node"]);
    expect(await KanikoIntegration.flavors()).toEqual([KanikoImageBuilderFlavor]);
    expect(await KanikoIntegration.isInstalled()).toBe(true);
  });

  it("registers the flavor into a container's flavor registry", async () => {
    const flavors = resolve(createFlavorstackContainer({ logger: silentLogger }), FlavorRegistryToken);
    await KanikoIntegration.register(flavors);
    expect(flavors.get("image_builder", "kaniko")).toBe(KanikoImageBuilderFlavor);
  });

  it("describes the flavor as ZenML does", () => {
    expect(KanikoImageBuilderFlavor).toMatchObject({
      name: "kaniko",
      type: "image_builder",
      integration: "kaniko",
      displayName: "Kaniko",
      logoUrl: "https://public-flavor-logos.s3.eu-central-1.amazonaws.com/image_builder/kaniko.png",
    });
    expect(KanikoImageBuilderFlavor.docsUrl).toMatch(/^https:\/\//);
    expect(KanikoImageBuilderFlavor.sdkDocsUrl).toMatch(/^https:\/\//);
  });

  it("creates a remote builder whose validator needs a registry — without loading @kubernetes/client-node", async () => {
    const builder = await KanikoImageBuilderFlavor.createComponent({
      name: "cluster",
      config: { kubernetes_context: "prod" },
    });
    expect(builder).toBeInstanceOf(KanikoImageBuilder);
    expect(builder.isBuildingLocally).toBe(false);
    expect(builder.isRemote).toBe(true);
    expect(builder.config.kubernetesContext).toBe("prod");
    expect(Object.isFrozen(builder.config)).toBe(true);
    expect(builder.validator.requiredComponents).toEqual(["container_registry"]);
    createStack({ name: "s", components: [builder] }).problems();
    KanikoImageBuilderFlavor.jsonSchema();
    expect(state.clientNodeLoaded).toBe(false);
  });

  it("loads @kubernetes/client-node on first use (the mock above is live)", async () => {
    const { loadClientNode } = await import("./client-node.js");
    await loadClientNode();
    expect(state.clientNodeLoaded).toBe(true);
  });
});

const here = path.dirname(fileURLToPath(import.meta.url));
const distIndex = path.resolve(here, "../dist/index.js");

describe.skipIf(!existsSync(distIndex))("the built package (dist)", () => {
  it("imports, lists and parses without resolving @kubernetes/client-node (checked by a loader hook in a child process)", async () => {
    const hook = `export async function resolve(specifier, context, next) {
      if (specifier === "@kubernetes/client-node" || specifier.startsWith("@kubernetes/client-node/")) {
        throw new Error("LOADED @kubernetes/client-node from " + context.parentURL);
      }
      return next(specifier, context);
    }`;
    const script = `
      import { register } from "node:module";
      register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));
      const kaniko = await import(${JSON.stringify(pathToFileURL(distIndex).href)});
      const flavors = await kaniko.KanikoIntegration.flavors();
      flavors[0].jsonSchema();
      const builder = await flavors[0].createComponent({ name: "b", config: { kubernetesContext: "c" } });
      builder.validator;
      console.log("ok " + flavors.map((flavor) => flavor.name).join(","));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: path.resolve(here, ".."),
    });
    expect(stdout.trim()).toBe("ok kaniko");
  });
});
