import { execFile } from "node:child_process";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { createFlavorstackContainer, createStack, FlavorRegistryToken, resolve, silentLogger } from "@flavorstack/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

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
    const { loadClientNode } = await import("./kube/client-node.js");
    await loadClientNode();
    expect(state.clientNodeLoaded).toBe(true);
  });
});

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

// Compiles the package with its own build config into a temp dir (never skipped for want of a `pnpm build`):
// the same JavaScript the published dist holds, resolving its dependencies from the package's node_modules.
describe("the compiled package", () => {
  let compiled: string;
  beforeAll(async () => {
    compiled = await mkdtemp(path.join(os.tmpdir(), "kaniko-compiled-"));
    await promisify(execFile)(
      process.execPath,
      [
        require.resolve("typescript/bin/tsc"),
        ...["-p", path.join(packageDir, "tsconfig.build.json"), "--outDir", path.join(compiled, "dist")],
        ...["--declaration", "false", "--declarationMap", "false", "--sourceMap", "false"],
      ],
      { cwd: packageDir },
    );
    await writeFile(path.join(compiled, "package.json"), JSON.stringify({ type: "module" }));
    await symlink(path.join(packageDir, "node_modules"), path.join(compiled, "node_modules"), "dir");
  }, 120_000);
  afterAll(() => rm(compiled, { recursive: true, force: true }));

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
      const kaniko = await import(${JSON.stringify(pathToFileURL(path.join(compiled, "dist", "index.js")).href)});
      const flavors = await kaniko.KanikoIntegration.flavors();
      flavors[0].jsonSchema();
      const builder = await flavors[0].createComponent({ name: "b", config: { kubernetesContext: "c" } });
      builder.validator;
      console.log("ok " + flavors.map((flavor) => flavor.name).join(","));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: compiled,
    });
    expect(stdout.trim()).toBe("ok kaniko");
  });
});
