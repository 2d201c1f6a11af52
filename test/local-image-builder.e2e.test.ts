import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  BuildContext,
  BuildError,
  createFlavorstackContainer,
  createStack,
  FlavorRegistryToken,
  ImageReference,
  resolve,
  type Stack,
  silentLogger,
} from "@flavorstack/core";
import { manifestDigest, type RunningRegistry, startRegistry } from "@flavorstack/testing/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushBusyboxBase } from "./support/busybox-base.js";

const helloDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../examples/hello");

describe("local image builder (buildah) → real registry", () => {
  let registry: RunningRegistry;
  let baseImage: string;
  let storeDir: string;
  let stack: Stack;

  beforeAll(async () => {
    registry = await startRegistry();
    baseImage = await pushBusyboxBase(registry.hostPort);
    storeDir = await mkdtemp(path.join(tmpdir(), "flavorstack-e2e-store-"));
    const flavors = resolve(createFlavorstackContainer({ logger: silentLogger }), FlavorRegistryToken);
    stack = createStack({
      name: "e2e",
      components: [
        await flavors.get("artifact_store", "local").createComponent({ name: "store", config: { path: storeDir } }),
        await flavors
          .get("container_registry", "default")
          .createComponent({ name: "registry", config: { uri: registry.hostPort } }),
        await flavors.get("image_builder", "local").createComponent({ name: "builder", config: { engine: "buildah" } }),
      ],
    });
  });

  afterAll(async () => {
    await registry?.stop();
    if (storeDir) await rm(storeDir, { recursive: true, force: true });
  });

  it("builds examples/hello (a RUN on the busybox base), pushes it and returns the registry's digest", async () => {
    const logs: string[] = [];
    const image = await stack.buildImage(
      `${registry.hostPort}/flavorstack/hello:e2e`,
      new BuildContext({ root: helloDir }),
      {
        buildArgs: { BASE_IMAGE: baseImage },
        labels: { "org.example.built-by": "flavorstack-e2e" },
        onLog: (line) => logs.push(line),
      },
    );
    expect(image).toBeInstanceOf(ImageReference);
    expect(image.registry).toBe(registry.hostPort);
    expect(image.repository).toBe("flavorstack/hello");
    expect(image.tag).toBe("e2e");
    expect(image.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    // The registry itself says the tag points at the digest we returned.
    expect(await manifestDigest(registry.hostPort, "flavorstack/hello", "e2e")).toBe(image.digest);
    expect(await manifestDigest(registry.hostPort, "flavorstack/hello", image.digest as string)).toBe(image.digest);
    expect(logs.some((line) => line.includes("bud"))).toBe(true);
  });

  it("tags :latest when the name has no tag", async () => {
    const image = await stack.buildImage(
      `${registry.hostPort}/flavorstack/hello`,
      new BuildContext({ root: helloDir }),
      {
        buildArgs: { BASE_IMAGE: baseImage },
      },
    );
    expect(image.tag).toBe("latest");
    expect(await manifestDigest(registry.hostPort, "flavorstack/hello", "latest")).toBe(image.digest);
  });

  it("fails with the RUN's exit code and output, and pushes nothing", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "flavorstack-e2e-failing-"));
    try {
      await writeFile(path.join(root, "Dockerfile"), `FROM ${baseImage}\nRUN echo about to fail && exit 3\n`);
      const build = stack.buildImage(`${registry.hostPort}/flavorstack/failing:1`, new BuildContext({ root }));
      await expect(build).rejects.toThrowError(BuildError);
      await expect(build).rejects.toThrowError(/exit code|exit status/);
      expect(await manifestDigest(registry.hostPort, "flavorstack/failing", "1")).toBeUndefined();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("refuses an image outside the stack's registry before building", async () => {
    await expect(stack.buildImage("ghcr.io/acme/hello:1", new BuildContext({ root: helloDir }))).rejects.toThrowError(
      `The image 'ghcr.io/acme/hello:1' is not in container registry 'registry' (${registry.hostPort})`,
    );
  });

  it("refuses a context without a Dockerfile", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "flavorstack-e2e-nodockerfile-"));
    try {
      await cp(path.join(helloDir, "app"), path.join(root, "app"), { recursive: true });
      await expect(
        stack.buildImage(`${registry.hostPort}/flavorstack/x:1`, new BuildContext({ root })),
      ).rejects.toThrowError(`The build context at ${root} has no Dockerfile`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
