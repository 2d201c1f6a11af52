import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { LocalArtifactStoreFlavor } from "../artifact-stores/local/local-artifact-store-flavor.js";
import { BuildContext } from "../build-context/build-context.js";
import type { ContainerRegistry } from "../container-registries/container-registry.js";
import { ConfigError } from "../errors.js";
import { type BuildOptions, type BuildProgress, ImageBuilder } from "./image-builder.js";
import type { ImageReference } from "./image-reference.js";

/** A builder whose build only runs the base class's checks. */
class CheckingBuilder extends ImageBuilder<Record<string, never>> {
  get isBuildingLocally() {
    return true;
  }
  async build(
    imageName: string | ImageReference,
    context: BuildContext,
    options: BuildOptions = {},
    registry?: ContainerRegistry,
  ) {
    return this.checkBuildRequest(imageName, context, options, registry);
  }
}

const builder = new CheckingBuilder({ id: "b", name: "b", flavor: "checking", config: {} });
const cleanup: string[] = [];
async function tempDir(prefix: string) {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  cleanup.push(dir);
  return dir;
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}

afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("ImageBuilder.uploadBuildContext", () => {
  it("stores the context once under its sha256 and reuses it", async () => {
    const root = await tempDir("flavorstack-upload-ctx-");
    await writeFile(path.join(root, "Dockerfile"), "FROM scratch\nCOPY a.txt /\n");
    await writeFile(path.join(root, "a.txt"), "hello\n");
    const store = await LocalArtifactStoreFlavor.createComponent({
      name: "local",
      config: { path: await tempDir("flavorstack-upload-store-") },
    });
    const context = new BuildContext({ root });

    const progress: BuildProgress[] = [];
    const first = await builder.uploadBuildContext(context, "kaniko-build-contexts", store, {
      onProgress: (update) => progress.push(update),
    });
    expect(first.uploaded).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every(({ phase }) => phase === "upload")).toBe(true);
    expect(progress.at(-1)?.bytes).toBe(first.bytes);
    expect(first.bytes).toBe((await stat(first.uri)).size);
    expect(first.sha256).toBe(await context.checksum());
    expect(first.uri).toBe(path.join(store.path, "kaniko-build-contexts", `${first.sha256}.tar.gz`));
    const tar = gunzipSync(await store.readFile(first.uri));
    expect(tar.includes(Buffer.from("a.txt"))).toBe(true);
    const writtenAt = (await stat(first.uri)).mtimeMs;

    const second = await builder.uploadBuildContext(new BuildContext({ root }), "kaniko-build-contexts", store);
    expect(second).toEqual({ ...first, uploaded: false, bytes: 0 });
    expect((await stat(first.uri)).mtimeMs).toBe(writtenAt);
    expect(await readdir(path.join(store.path, "kaniko-build-contexts"))).toEqual([`${first.sha256}.tar.gz`]);
  });

  it("leaves nothing in the store when aborted midway, and rejects with the signal's reason", async () => {
    const root = await tempDir("flavorstack-upload-abort-");
    await writeFile(path.join(root, "Dockerfile"), "FROM scratch\n");
    await writeFile(path.join(root, "big.bin"), randomBytes(32 * 1024 * 1024));
    const storeRoot = await tempDir("flavorstack-upload-abort-store-");
    const store = await LocalArtifactStoreFlavor.createComponent({ name: "local", config: { path: storeRoot } });
    const controller = new AbortController();
    const reason = new Error("stop the upload");
    const upload = builder.uploadBuildContext(new BuildContext({ root }), "ctx", store, { signal: controller.signal });
    await waitFor(async () => (await readdir(storeRoot, { recursive: true })).length > 1);
    controller.abort(reason);
    await expect(upload).rejects.toBe(reason);
    expect(await store.listdir("ctx")).toEqual([]);
  });

  it("refuses a context that changes while it is uploaded, and removes what it wrote", async () => {
    const root = await tempDir("flavorstack-upload-changed-");
    await writeFile(path.join(root, "Dockerfile"), "FROM scratch\n");
    const store = await LocalArtifactStoreFlavor.createComponent({
      name: "local",
      config: { path: await tempDir("flavorstack-upload-changed-store-") },
    });
    const context = new BuildContext({ root });
    // The upload's own digest: change the file between it and the archive.
    const digest = context.digest.bind(context);
    context.digest = async () => {
      const digested = await digest();
      await writeFile(path.join(root, "Dockerfile"), "FROM scratch\nLABEL changed=yes\n");
      return digested;
    };
    await expect(builder.uploadBuildContext(context, "ctx", store)).rejects.toThrowError(
      /changed while it was being uploaded/,
    );
    expect(await store.listdir("ctx")).toEqual([]);
  });
});

describe("ImageBuilder build checks", () => {
  it("refuses digests, bad names and missing Dockerfiles", async () => {
    const root = await tempDir("flavorstack-checks-");
    const context = new BuildContext({ root });
    await expect(builder.build(`app@sha256:${"a".repeat(64)}`, context)).rejects.toThrowError(ConfigError);
    await expect(builder.build("App", context)).rejects.toThrowError("must be lowercase");
    await expect(builder.build("app:1", context)).rejects.toThrowError(
      `The build context at ${root} has no Dockerfile`,
    );
    const withGenerated = new BuildContext({ root, extraFiles: { Dockerfile: "FROM scratch\n" } });
    expect((await builder.build("app:1", withGenerated)).toString()).toBe("app:1");
    await expect(builder.build("app:1", withGenerated, { dockerfile: "build/Dockerfile" })).rejects.toThrowError(
      "has no build/Dockerfile",
    );
  });

  it("refuses build-arg and label names a builder would split or reject, and takes any value", async () => {
    const context = new BuildContext({
      root: await tempDir("flavorstack-keys-"),
      extraFiles: { Dockerfile: "FROM scratch\n" },
    });
    await expect(builder.build("app:1", context, { buildArgs: { "A=B": "C" } })).rejects.toThrowError(
      `Invalid build arg name "A=B": a name must be non-empty, without '=', spaces or control characters.`,
    );
    await expect(builder.build("app:1", context, { labels: { "": "x" } })).rejects.toThrowError(
      'Invalid label name ""',
    );
    await expect(builder.build("app:1", context, { buildArgs: { "a b": "x" } })).rejects.toThrowError(ConfigError);
    const values = { buildArgs: { TOKEN: "a=b c\nd" }, labels: { "org.opencontainers.image.title": "x=y" } };
    expect((await builder.build("app:1", context, values)).toString()).toBe("app:1");
  });
});
