import {
  createStack,
  DefaultContainerRegistryFlavor,
  LocalArtifactStoreFlavor,
  StackValidationError,
} from "@flavorstack/core";
import { StackComponent } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import {
  createKanikoStackValidator,
  LOCAL_ARTIFACT_STORE_MESSAGE,
  LOCAL_REGISTRY_MESSAGE,
} from "./kaniko-stack-validator.js";

class RemoteStore extends StackComponent<{ path: string }> {
  readonly type = "artifact_store" as const;
}

const remoteStore = new RemoteStore({ id: "s", name: "bucket", flavor: "s3", config: { path: "s3://bucket" } });
const localStore = await LocalArtifactStoreFlavor.createComponent({
  name: "local",
  config: { path: "/tmp/flavorstack-kaniko-validator" },
});
const registry = (uri: string) => DefaultContainerRegistryFlavor.createComponent({ name: "registry", config: { uri } });

describe("createKanikoStackValidator", () => {
  it("requires a container registry (ZenML's message)", () => {
    const stack = createStack({ name: "s", components: [remoteStore] });
    const problems = createKanikoStackValidator({ storeContextInArtifactStore: false }).problems(stack);
    expect(problems).toEqual([expect.stringMatching(/^Missing stack components 'container_registry' for stack: s\./)]);
  });

  it.each(["localhost:5000", "127.0.0.1:5000", "[::1]:5000", "registry.localhost"])(
    "refuses the local registry %s",
    async (uri) => {
      const stack = createStack({ name: "s", components: [remoteStore, await registry(uri)] });
      const validator = createKanikoStackValidator({ storeContextInArtifactStore: false });
      expect(validator.problems(stack)).toEqual([
        `Custom validation function failed to validate stack 's': ${LOCAL_REGISTRY_MESSAGE}`,
      ]);
      expect(() => validator.validate(stack)).toThrow(StackValidationError);
    },
  );

  it("accepts a remote registry with any artifact store when the context is streamed", async () => {
    const stack = createStack({ name: "s", components: [localStore, await registry("ghcr.io/acme")] });
    expect(createKanikoStackValidator({ storeContextInArtifactStore: false }).problems(stack)).toEqual([]);
  });

  it("requires a remote artifact store when the context goes through it", async () => {
    const local = createStack({ name: "s", components: [localStore, await registry("ghcr.io/acme")] });
    const validator = createKanikoStackValidator({ storeContextInArtifactStore: true });
    expect(validator.problems(local)).toEqual([
      `Custom validation function failed to validate stack 's': ${LOCAL_ARTIFACT_STORE_MESSAGE}`,
    ]);
    const remote = createStack({ name: "s", components: [remoteStore, await registry("ghcr.io/acme")] });
    expect(validator.problems(remote)).toEqual([]);
  });

  it("uses ZenML's wording", () => {
    expect(LOCAL_REGISTRY_MESSAGE).toContain("isn't able to push the resulting image to a local container registry");
    expect(LOCAL_ARTIFACT_STORE_MESSAGE).toContain("This only works with remote artifact stores");
  });
});
