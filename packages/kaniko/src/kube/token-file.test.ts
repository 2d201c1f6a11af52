import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenFile } from "./token-file.js";

describe("createTokenFile", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "kaniko-token-file-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads the token trimmed, and again when the file changes (as a kubelet rotates it)", async () => {
    const file = path.join(dir, "token");
    await writeFile(file, "first-token\n");
    const tokenFile = createTokenFile(file);
    expect(tokenFile.read()).toBe("first-token");
    // A rotation puts a new file in place: another inode, size or time.
    await rm(file);
    await writeFile(file, "second-token-longer\n");
    expect(tokenFile.read()).toBe("second-token-longer");
  });

  it("reads the file again after invalidate(), even when it looks unchanged", async () => {
    const file = path.join(dir, "same-size");
    await writeFile(file, "aaaa");
    const tokenFile = createTokenFile(file);
    expect(tokenFile.read()).toBe("aaaa");
    const { utimes, stat } = await import("node:fs/promises");
    const before = await stat(file);
    await writeFile(file, "bbbb");
    await utimes(file, before.atime, before.mtime);
    tokenFile.invalidate();
    expect(tokenFile.read()).toBe("bbbb");
  });
});
