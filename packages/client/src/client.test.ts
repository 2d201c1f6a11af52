import path from "node:path";
import { ConfigError, FlavorstackError, StackValidationError } from "@flavorstack/core";
import { expect, it } from "vitest";
import { StoreError } from "./store/store-error.js";
import { describeEachStore, dumpStore, installIntegration, TEST_SCOPE } from "./test-support/store-suite.js";

/** Refused with a `StoreError` (or `errorClass`) whose message matches every pattern, and the store unchanged. */
async function expectRefused(
  url: string,
  attempt: () => Promise<unknown>,
  patterns: readonly RegExp[],
  errorClass: new (...args: never[]) => Error = StoreError,
): Promise<Error> {
  const before = await dumpStore(url);
  const error = await attempt().then(
    () => new Error("the operation was not refused"),
    (thrown: unknown) => thrown as Error,
  );
  // By name: a flavor of a discovered package raises the ConfigError of the core it imports itself.
  expect(FlavorstackError.isInstance(error) && error.name).toBe(errorClass.name);
  for (const pattern of patterns) expect(error.message).toMatch(pattern);
  expect(await dumpStore(url)).toEqual(before);
  return error;
}

describeEachStore("Client: components, stacks and the active stack", (store) => {
  async function openWithComponents() {
    const { url, dir } = await store.newStore();
    const client = await store.open(url);
    await client.registerComponent({
      type: "container_registry",
      flavor: "default",
      name: "local-registry",
      config: { uri: "127.0.0.1:5000" },
    });
    await client.registerComponent({
      type: "image_builder",
      flavor: "local",
      name: "podman",
      config: { engine: "podman" },
    });
    await client.registerComponent({
      type: "artifact_store",
      flavor: "local",
      name: "files",
      config: { path: path.join(dir, "artifacts") },
    });
    return { url, dir, client };
  }

  it("a new store holds the default stack with the local artifact store, made once", async () => {
    const { url } = await store.newStore();
    const client = await store.open(url);
    expect(client.location.dialect).toBe(store.dialect);
    expect(await client.activeStackName()).toBe("default");
    const stacks = await client.listStacks();
    expect(stacks).toHaveLength(1);
    expect(stacks[0]).toMatchObject({
      name: "default",
      active: true,
      components: { artifact_store: { name: "default", flavor: "local" } },
    });
    expect(await client.listComponents()).toEqual([
      expect.objectContaining({ type: "artifact_store", flavor: "local", name: "default", config: {} }),
    ]);
    const again = await store.open(url);
    expect(await again.listStacks()).toEqual(stacks);
    expect((await dumpStore(url)).components).toHaveLength(1);
  });

  it("registers components as written, lists them by type then name, and describes one", async () => {
    const { client, dir } = await openWithComponents();
    const listed = await client.listComponents();
    expect(listed.map((component) => `${component.type}/${component.name}`)).toEqual([
      "artifact_store/default",
      "artifact_store/files",
      "container_registry/local-registry",
      "image_builder/podman",
    ]);
    expect((await client.listComponents("artifact_store")).map((component) => component.name)).toEqual([
      "default",
      "files",
    ]);
    const files = await client.getComponent("artifact_store", "files");
    expect(files).toMatchObject({
      type: "artifact_store",
      flavor: "local",
      name: "files",
      config: { path: path.join(dir, "artifacts") },
    });
    expect(files.createdAt).toBe(files.updatedAt);
    expect(Date.parse(files.createdAt)).not.toBeNaN();
  });

  it("refuses a duplicate name, changing nothing", async () => {
    const { url, client } = await openWithComponents();
    await expectRefused(
      url,
      () => client.registerComponent({ type: "image_builder", flavor: "local", name: "podman", config: {} }),
      [/An image_builder named 'podman' already exists \(flavor 'local'\)/, /flavorstack image-builder update podman/],
    );
    // The same name under another type is another component.
    await client.registerComponent({
      type: "container_registry",
      flavor: "default",
      name: "podman",
      config: { uri: "127.0.0.1:5001" },
    });
  });

  it("refuses an unknown flavor listing the known ones, and an unknown type listing the types", async () => {
    const { url, client } = await openWithComponents();
    await expectRefused(url, () => client.registerComponent({ type: "image_builder", flavor: "kanikoo", name: "kb" }), [
      /No image_builder flavor named 'kanikoo'\. Known image_builder flavors: local\./,
      /flavorstack integration list/,
    ]);
    await expectRefused(
      url,
      // @ts-expect-error: an unknown type, as untyped callers may pass
      () => client.registerComponent({ type: "image_bulder", flavor: "local", name: "kb" }),
      [/'image_bulder' is not a stack component type\. Use one of: .*artifact_store.*image_builder/],
    );
    // @ts-expect-error: the same for listing
    await expect(client.listComponents("image_bulder")).rejects.toThrow(/'image_bulder' is not a stack component type/);
  });

  it("refuses an invalid config naming every field at once", async () => {
    const { url, client } = await openWithComponents();
    const error = await expectRefused(
      url,
      () =>
        client.registerComponent({
          type: "image_builder",
          flavor: "local",
          name: "bad",
          config: { engine: "dockerz", tlsVerify: "yes", bogus: 1 },
        }),
      [
        /Invalid configuration for image_builder flavor 'local'/,
        /- engine: /,
        /- tlsVerify: /,
        /- bogus: unknown field/,
      ],
      ConfigError,
    );
    expect(error.message).not.toContain("dockerz");
  });

  it("refuses names that are empty, too long, or have spaces or control characters", async () => {
    const { url, client } = await openWithComponents();
    const refusals: [string, RegExp][] = [
      ["", /"" is not a valid component name: it is empty/],
      ["x".repeat(65), /is not a valid component name: it is 65 characters long\. Use 1-64 letters/],
      ["my builder", /"my builder" is not a valid component name: it has characters that are not allowed/],
      ["bad\u0007name", /"bad\\u0007name" is not a valid component name/],
      ["-leading", /"-leading" is not a valid component name/],
    ];
    for (const [name, pattern] of refusals) {
      await expectRefused(url, () => client.registerComponent({ type: "image_builder", flavor: "local", name }), [
        pattern,
      ]);
    }
    await expectRefused(url, () => client.registerStack({ name: "a b", components: { artifact_store: "default" } }), [
      /"a b" is not a valid stack name/,
    ]);
    await client.registerComponent({ type: "image_builder", flavor: "local", name: "x".repeat(64) });
  });

  it("updates a component: merges the config, removes null fields, renames, and refuses an invalid result", async () => {
    const { url, client } = await openWithComponents();
    const updated = await client.updateComponent("image_builder", "podman", { config: { tlsVerify: false } });
    expect(updated.config).toEqual({ engine: "podman", tlsVerify: false });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(updated.createdAt));
    expect((await client.updateComponent("image_builder", "podman", { config: { tlsVerify: null } })).config).toEqual({
      engine: "podman",
    });
    await expectRefused(
      url,
      () => client.updateComponent("image_builder", "podman", { config: { engine: "nope" } }),
      [/- engine: /],
      ConfigError,
    );
    await expectRefused(url, () => client.updateComponent("image_builder", "missing", { config: {} }), [
      /No image_builder named 'missing'\. Known image_builder components: podman\./,
    ]);
    await client.registerComponent({ type: "image_builder", flavor: "local", name: "buildah" });
    await expectRefused(url, () => client.updateComponent("image_builder", "podman", { name: "buildah" }), [
      /An image_builder named 'buildah' already exists/,
    ]);
    const renamed = await client.updateComponent("image_builder", "podman", { name: "podman-2" });
    expect(renamed).toMatchObject({ id: updated.id, name: "podman-2", config: { engine: "podman" } });
    expect((await client.listComponents("image_builder")).map((component) => component.name)).toEqual([
      "buildah",
      "podman-2",
    ]);
  });

  it("registers stacks of one component per type and refuses the wrong type, unknown components and no artifact store", async () => {
    const { url, client } = await openWithComponents();
    const stack = await client.registerStack({
      name: "dev",
      components: { artifact_store: "files", container_registry: "local-registry", image_builder: "podman" },
    });
    expect(stack).toMatchObject({
      name: "dev",
      active: false,
      components: {
        artifact_store: { name: "files", flavor: "local" },
        container_registry: { name: "local-registry", flavor: "default" },
        image_builder: { name: "podman", flavor: "local" },
      },
    });
    await expectRefused(url, () => client.registerStack({ name: "dev", components: { artifact_store: "default" } }), [
      /A stack named 'dev' already exists/,
    ]);
    await expectRefused(
      url,
      () =>
        client.registerStack({
          name: "wrong",
          components: { artifact_store: "default", container_registry: "podman" },
        }),
      [
        /Component 'podman' is an image_builder component, not a container_registry/,
        /flavorstack container-registry list/,
      ],
    );
    await expectRefused(
      url,
      () =>
        client.registerStack({ name: "missing", components: { artifact_store: "default", image_builder: "kaniko" } }),
      [/No image_builder named 'kaniko'\. Known image_builder components: podman\./],
    );
    await expectRefused(
      url,
      // @ts-expect-error: an unknown type, as untyped callers may pass
      () => client.registerStack({ name: "typo", components: { artifact_store: "default", image_bulder: "podman" } }),
      [/'image_bulder' is not a stack component type/],
    );
    await expectRefused(url, () => client.registerStack({ name: "bare", components: { image_builder: "podman" } }), [
      /Stack 'bare' needs an artifact store/,
    ]);
    expect((await client.listStacks()).map((listed) => listed.name)).toEqual(["default", "dev"]);
    expect(await client.getStackRecord("dev")).toEqual(stack);
    await expectRefused(url, () => client.getStackRecord("nope"), [
      /No stack named 'nope'\. Known stacks: default, dev\./,
    ]);
  });

  it("updates a stack's components, and never removes its artifact store", async () => {
    const { url, client } = await openWithComponents();
    await client.registerStack({
      name: "dev",
      components: { artifact_store: "files", container_registry: "local-registry" },
    });
    const updated = await client.updateStack("dev", {
      container_registry: null,
      image_builder: "podman",
      artifact_store: "default",
    });
    expect(Object.keys(updated.components).sort()).toEqual(["artifact_store", "image_builder"]);
    expect(updated.components.artifact_store?.name).toBe("default");
    await expectRefused(url, () => client.updateStack("dev", { artifact_store: null }), [
      /Stack 'dev' needs an artifact store/,
    ]);
  });

  it("keeps the active stack per scope, and refuses deleting the active stack and the default one", async () => {
    const { url, client } = await openWithComponents();
    await client.registerStack({ name: "dev", components: { artifact_store: "files" } });
    expect((await client.setActiveStack("dev")).active).toBe(true);
    expect(await client.activeStackName()).toBe("dev");
    expect((await client.getStackRecord()).name).toBe("dev");
    expect((await client.listStacks()).map((stack) => [stack.name, stack.active])).toEqual([
      ["default", false],
      ["dev", true],
    ]);
    const colleague = await store.open(url, { env: { FLAVORSTACK_ACTIVE_SCOPE: `someone-else-than-${TEST_SCOPE}` } });
    expect(await colleague.activeStackName()).toBe("default");
    await expectRefused(url, () => client.deleteStack("dev"), [
      /Stack 'dev' is the active stack: make another one active first \(`flavorstack stack set default`\)/,
    ]);
    await expectRefused(url, () => client.deleteStack("default"), [/The 'default' stack cannot be deleted/]);
    await expectRefused(url, () => client.setActiveStack("nope"), [/No stack named 'nope'/]);
    await client.setActiveStack("default");
    await client.deleteStack("dev");
    expect((await client.listStacks()).map((stack) => stack.name)).toEqual(["default"]);
  });

  it("refuses deleting a component a stack uses, naming the stacks", async () => {
    const { url, client } = await openWithComponents();
    await client.registerStack({ name: "dev", components: { artifact_store: "files", image_builder: "podman" } });
    await client.registerStack({ name: "ci", components: { artifact_store: "default", image_builder: "podman" } });
    await expectRefused(url, () => client.deleteComponent("image_builder", "podman"), [
      /Cannot delete image_builder 'podman': stacks 'ci', 'dev' use it/,
    ]);
    await expectRefused(url, () => client.deleteComponent("artifact_store", "default"), [
      /stacks 'ci', 'default' use it/,
    ]);
    await client.deleteStack("ci");
    await client.deleteStack("dev");
    await client.deleteComponent("image_builder", "podman");
    expect(await client.listComponents("image_builder")).toEqual([]);
    await expectRefused(url, () => client.deleteComponent("image_builder", "podman"), [
      /No image_builder named 'podman'\. No image_builder is registered\./,
    ]);
  });

  it("getStack makes the live, validated components of a stack (the active one by default)", async () => {
    const { client, dir } = await openWithComponents();
    await client.registerStack({
      name: "dev",
      components: { artifact_store: "files", container_registry: "local-registry", image_builder: "podman" },
    });
    await client.setActiveStack("dev");
    const stack = await client.getStack();
    expect(stack.name).toBe("dev");
    expect(stack.artifactStore.path).toBe(path.join(dir, "artifacts"));
    expect(stack.containerRegistry?.config.uri).toBe("127.0.0.1:5000");
    expect(stack.imageBuilder?.isBuildingLocally).toBe(true);
    expect((await client.getStack("default")).artifactStore.name).toBe("default");
  });

  it("keeps secret fields out of the component's row, masks them, and resolves them and {{name.key}} references in getStack", async () => {
    const { url, dir } = await store.newStore();
    await installIntegration(dir, "flavorstack-vaulted", VAULTED_INTEGRATION);
    const env = { FLAVORSTACK_ACTIVE_SCOPE: TEST_SCOPE, FLAVORSTACK_HOME: dir };
    const client = await store.open(url, { integrationSearchDirs: [dir], env, cwd: dir });
    const token = "tok-0123456789-secret";
    const registered = await client.registerComponent({
      type: "orchestrator",
      flavor: "vaulted",
      name: "o",
      config: { token, endpoint: "https://vault" },
    });
    expect(registered.config).toEqual({ token: "********", endpoint: "https://vault" });
    expect(JSON.stringify(await dumpStore(url))).not.toContain(token);
    expect((await client.listComponents("orchestrator"))[0]?.config).toEqual({
      token: "********",
      endpoint: "https://vault",
    });
    await client.registerStack({ name: "s", components: { artifact_store: "default", orchestrator: "o" } });
    expect((await client.getStack("s")).component("orchestrator")?.config).toEqual({
      token,
      endpoint: "https://vault",
    });

    await client.secrets.create("vault", { endpoint: "https://vault.internal" });
    await client.updateComponent("orchestrator", "o", { config: { endpoint: "{{vault.endpoint}}" } });
    expect((await client.getComponent("orchestrator", "o")).config).toEqual({
      token: "********",
      endpoint: "{{vault.endpoint}}",
    });
    expect((await client.getStack("s")).component("orchestrator")?.config).toEqual({
      token,
      endpoint: "https://vault.internal",
    });
    await expectRefused(
      url,
      () => client.updateComponent("orchestrator", "o", { config: { endpoint: "{{vault.nope}}" } }),
      [/\{\{vault\.nope\}\} in endpoint: the secret 'vault' has no key 'nope'/],
    );
    // Renamed, the component takes its secret along; deleted, the secret goes with it.
    await client.updateComponent("orchestrator", "o", { name: "o2" });
    expect((await client.secrets.list()).map((secret) => secret.name)).toEqual(["orchestrator-o2", "vault"]);
    expect((await client.getStack("s")).component("orchestrator")?.config).toEqual({
      token,
      endpoint: "https://vault.internal",
    });
    await client.deleteStack("s");
    await client.deleteComponent("orchestrator", "o2");
    expect((await client.secrets.list()).map((secret) => secret.name)).toEqual(["vault"]);
    await expectRefused(
      url,
      () =>
        client.registerComponent({ type: "orchestrator", flavor: "vaulted", name: "short", config: { token: "x" } }),
      [/- token: /],
      ConfigError,
    );
  });

  it("discovers integrations from its search dirs: a third-party flavor is usable, a broken package is reported and stops nothing", async () => {
    const { url, dir } = await store.newStore();
    await installIntegration(dir, "flavorstack-strict", STRICT_INTEGRATION);
    await installIntegration(dir, "flavorstack-broken", "throw new Error('broken on purpose');");
    const client = await store.open(url, { integrationSearchDirs: [dir] });
    const integrations = await client.integrations();
    expect(integrations.map((integration) => integration.name)).toEqual(["built-in", "strict"]);
    expect(integrations[1]).toEqual({
      name: "strict",
      requirements: [],
      flavors: ["orchestrator/strict"],
      installed: true,
    });
    const problems = await client.integrationProblems();
    expect(problems).toEqual([
      { packageDir: path.join(dir, "node_modules", "flavorstack-broken"), message: "broken on purpose" },
    ]);
    expect(store.warnings.join("\n")).toMatch(
      /Could not load the integration in .*flavorstack-broken: broken on purpose/,
    );
    expect((await client.flavors("orchestrator")).map((flavor) => flavor.name)).toEqual(["strict"]);
    expect((await client.flavor("orchestrator", "strict")).integration).toBe("strict");
    await client.registerComponent({ type: "orchestrator", flavor: "strict", name: "o" });
    await client.registerStack({ name: "s", components: { artifact_store: "default", orchestrator: "o" } });
    await expect(client.getStack("s")).rejects.toThrow(StackValidationError);
    await expect(client.getStack("s")).rejects.toThrow(/Missing stack components 'container_registry' for stack: s/);

    // Without the integration, its components still list; making them says what is missing.
    const without = await store.open(url, { integrationSearchDirs: [] });
    expect((await without.listComponents("orchestrator")).map((component) => component.name)).toEqual(["o"]);
    await expect(without.getStack("s")).rejects.toThrow(
      /No orchestrator flavor named 'strict'\. No installed integration provides an orchestrator flavor\./,
    );
  });
});

/** An orchestrator flavor with a secret field (`token`, writeOnly in its JSON Schema) and a plain one. */
const VAULTED_INTEGRATION = `
import { defineFlavor, defineIntegration, StackComponent } from "@flavorstack/core/plugin";
import { z } from "zod";
class VaultedOrchestrator extends StackComponent {
  type = "orchestrator";
}
const VaultedFlavor = defineFlavor({
  name: "vaulted", type: "orchestrator", integration: "vaulted",
  configSchema: z.strictObject({ token: z.string().min(4).meta({ writeOnly: true }), endpoint: z.string().optional() }),
  implementation: async () => (init) => new VaultedOrchestrator(init),
});
export const integration = defineIntegration({ name: "vaulted", flavors: () => [VaultedFlavor] });
`;

/** An integration with one orchestrator flavor whose component demands a container registry in its stack. */
const STRICT_INTEGRATION = `
import { createStackValidator, defineFlavor, defineIntegration, StackComponent } from "@flavorstack/core/plugin";
import { z } from "zod";
class StrictOrchestrator extends StackComponent {
  type = "orchestrator";
  get validator() { return createStackValidator({ requiredComponents: ["container_registry"] }); }
}
const StrictFlavor = defineFlavor({
  name: "strict", type: "orchestrator", integration: "strict", configSchema: z.strictObject({}),
  implementation: async () => (init) => new StrictOrchestrator(init),
});
export const integration = defineIntegration({ name: "strict", flavors: () => [StrictFlavor] });
`;
