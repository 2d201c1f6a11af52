import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { LocalArtifactStoreFlavor } from "../artifact-stores/local/local-artifact-store-flavor.js";
import { DefaultContainerRegistryFlavor } from "../container-registries/default/default-container-registry-flavor.js";
import { ConfigError, StackValidationError } from "../errors.js";
import { LocalImageBuilderFlavor } from "../image-builders/local/local-image-builder-flavor.js";
import { defineFlavor } from "./flavor.js";
import { SKIP_STACK_VALIDATION_ENV, Stack } from "./stack.js";
import { StackComponent } from "./stack-component.js";
import { createStackValidator } from "./stack-validator.js";

class Builder extends StackComponent<{ remoteOnly: boolean }> {
  readonly type = "image_builder" as const;
  override get validator() {
    return createStackValidator({
      requiredComponents: ["container_registry"],
      customValidation: (stack) =>
        this.config.remoteOnly && stack.containerRegistry?.isLocal
          ? { ok: false, message: "the container registry must not be local" }
          : { ok: true },
    });
  }
}

const builderFlavor = defineFlavor({
  name: "picky",
  type: "image_builder",
  configSchema: z.object({ remoteOnly: z.boolean().default(true) }),
  implementation: async () => (init) => new Builder(init),
});

async function components() {
  const root = await mkdtemp(path.join(tmpdir(), "flavorstack-stack-"));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  return {
    store: await LocalArtifactStoreFlavor.createComponent({ name: "local", config: { path: root } }),
    localRegistry: await DefaultContainerRegistryFlavor.createComponent({
      name: "reg",
      config: { uri: "127.0.0.1:5000" },
    }),
    remoteRegistry: await DefaultContainerRegistryFlavor.createComponent({
      name: "ghcr",
      config: { uri: "ghcr.io/acme" },
    }),
    picky: await builderFlavor.createComponent({ name: "picky" }),
    local: await LocalImageBuilderFlavor.createComponent({ name: "local-builder" }),
  };
}

describe("Stack", () => {
  afterEach(() => {
    delete process.env[SKIP_STACK_VALIDATION_ENV];
  });

  it("holds components by type", async () => {
    const c = await components();
    const stack = new Stack({ name: "dev", components: [c.store, c.localRegistry, c.local] });
    expect(stack.artifactStore).toBe(c.store);
    expect(stack.containerRegistry).toBe(c.localRegistry);
    expect(stack.imageBuilder).toBe(c.local);
    expect(stack.component("orchestrator")).toBeUndefined();
    expect(stack.components.map((component) => component.type)).toEqual([
      "artifact_store",
      "container_registry",
      "image_builder",
    ]);
    expect(() => stack.validate()).not.toThrow();
  });

  it("refuses two components of one type", async () => {
    const c = await components();
    expect(() => new Stack({ name: "dev", components: [c.localRegistry, c.remoteRegistry] })).toThrowError(ConfigError);
    expect(() => new Stack({ name: "dev", components: [c.localRegistry, c.remoteRegistry] })).toThrowError(
      "Stack 'dev' has two container_registry components ('reg' and 'ghcr')",
    );
  });

  it("reports every problem at once, in ZenML's words", async () => {
    const c = await components();
    const stack = new Stack({ name: "prod", components: [c.picky] });
    let error: StackValidationError | undefined;
    try {
      stack.validate();
    } catch (caught) {
      error = caught as StackValidationError;
    }
    expect(error).toBeInstanceOf(StackValidationError);
    expect(error?.problems).toEqual([
      "Missing stack components 'artifact_store' for stack: prod. Add them to the stack (one component of each of those types) and validate again.",
      "Missing stack components 'container_registry' for stack: prod. Add them to the stack (one component of each of those types) and validate again.",
    ]);
    expect(error?.message).toContain("Stack 'prod' is invalid:\n  - Missing stack components 'artifact_store'");
    expect(() => stack.artifactStore).toThrowError("Missing stack components 'artifact_store' for stack: prod");
  });

  it("runs the custom validation once required components are there", async () => {
    const c = await components();
    const stack = new Stack({ name: "prod", components: [c.store, c.localRegistry, c.picky] });
    expect(() => stack.validate()).toThrowError(
      "Custom validation function failed to validate stack 'prod': the container registry must not be local",
    );
    expect(new Stack({ name: "prod", components: [c.store, c.remoteRegistry, c.picky] }).problems()).toEqual([]);
  });

  it("can be told to skip validation", async () => {
    const c = await components();
    process.env[SKIP_STACK_VALIDATION_ENV] = "1";
    expect(() => new Stack({ name: "x", components: [c.picky] }).validate()).not.toThrow();
  });

  it("refuses to build without an image builder", async () => {
    const c = await components();
    const stack = new Stack({ name: "nobuilder", components: [c.store] });
    await expect(stack.buildImage("127.0.0.1:5000/app", undefined as never)).rejects.toThrowError(
      "Missing stack components 'image_builder' for stack: nobuilder",
    );
  });
});
