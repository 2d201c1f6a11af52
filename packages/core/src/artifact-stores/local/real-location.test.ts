import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArtifactStoreError } from "../../errors.js";
import { LocalArtifactStore } from "./local-artifact-store.js";
import { realLocation } from "./real-location.js";

describe("realLocation", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(path.join(tmpdir(), "flavorstack-real-location-")));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("resolves links, dangling ones, chains of them and missing rests", async () => {
    await mkdir(path.join(dir, "real"));
    await symlink(path.join(dir, "real"), path.join(dir, "link"));
    await symlink("link", path.join(dir, "chain"));
    await symlink(path.join(dir, "nowhere", "deep"), path.join(dir, "dangling"));
    expect(await realLocation(path.join(dir, "link", "a", "b.txt"))).toBe(path.join(dir, "real", "a", "b.txt"));
    expect(await realLocation(path.join(dir, "chain", "x"))).toBe(path.join(dir, "real", "x"));
    expect(await realLocation(path.join(dir, "dangling", "x"))).toBe(path.join(dir, "nowhere", "deep", "x"));
    await writeFile(path.join(dir, "file"), "f");
    expect(await realLocation(path.join(dir, "file", "below"))).toBe(path.join(dir, "file", "below"));
  });

  it("stops at a loop of links", async () => {
    await symlink("b", path.join(dir, "a"));
    await symlink("a", path.join(dir, "b"));
    await expect(realLocation(path.join(dir, "a", "x"))).rejects.toMatchObject({ code: "ELOOP" });
  });

  it("lets the store refuse a loop with the path and the cause, and accept a root that is a link", async () => {
    await mkdir(path.join(dir, "data"));
    await symlink(path.join(dir, "data"), path.join(dir, "root"));
    const store = new LocalArtifactStore({
      id: "c1",
      name: "local",
      flavor: "local",
      config: { path: path.join(dir, "root") },
    });
    await store.writeFile("a.txt", "a");
    expect((await store.readFile("a.txt")).toString()).toBe("a");
    await symlink("loop", path.join(dir, "data", "loop"));
    const error = await store.readFile("loop/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactStoreError);
    expect((error as Error).message).toContain(path.join(dir, "root", "loop", "x"));
    expect((error as Error).cause).toMatchObject({ code: "ELOOP" });
  });
});
