import { manifestDigest, type RunningRegistry, startRegistry } from "@flavorstack/testing/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX_REPOSITORY, pushBusyboxBase } from "./busybox-base.js";

describe("test support: real registry + busybox base", () => {
  let registry: RunningRegistry;

  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("serves the distribution API on 127.0.0.1", async () => {
    expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${registry.url}/v2/`);
    expect(response.status).toBe(200);
    expect(await manifestDigest(registry.hostPort, "nothing/here", "latest")).toBeUndefined();
  });

  it("pushes the busybox base once and reports its digest", async () => {
    const image = await pushBusyboxBase(registry.hostPort);
    expect(image).toBe(`${registry.hostPort}/${BUSYBOX_REPOSITORY}:latest`);
    const digest = await manifestDigest(registry.hostPort, BUSYBOX_REPOSITORY, "latest");
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // The manifest is fetchable by that digest, and a second push is a no-op.
    expect(await manifestDigest(registry.hostPort, BUSYBOX_REPOSITORY, digest as string)).toBe(digest);
    expect(await pushBusyboxBase(registry.hostPort)).toBe(image);
    expect(await manifestDigest(registry.hostPort, BUSYBOX_REPOSITORY, "latest")).toBe(digest);
  });

  it("stop() frees the port and removes the storage", async () => {
    const other = await startRegistry();
    await other.stop();
    await expect(fetch(`${other.url}/v2/`)).rejects.toThrow();
    const { existsSync } = await import("node:fs");
    expect(existsSync(other.storageDir)).toBe(false);
  });
});
