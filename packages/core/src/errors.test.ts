import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ArtifactStoreError, BuildError, ConfigError, FlavorstackError, StackValidationError } from "./errors.js";

const tempDirs: string[] = [];

afterAll(async () => {
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The errors module loaded a second time, as a separate copy of core in node_modules would be. */
async function secondCopy(): Promise<typeof import("./errors.js")> {
  const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-errors-copy-"));
  tempDirs.push(dir);
  const copy = path.join(dir, "errors.ts");
  await copyFile(fileURLToPath(new URL("./errors.ts", import.meta.url)), copy);
  return import(pathToFileURL(copy).href);
}

describe("FlavorstackError", () => {
  it("keeps the cause and names the subclass", () => {
    const cause = new Error("low level");
    const error = new BuildError("the build failed", { cause });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe("BuildError");
    expect(new StackValidationError("s", ["a", "b"]).message).toBe("Stack 's' is invalid:\n  - a\n  - b");
  });

  it("recognises its errors and its subclasses', and nothing else", () => {
    for (const error of [new FlavorstackError("x"), new ConfigError("x"), new StackValidationError("s", ["p"])]) {
      expect(FlavorstackError.isInstance(error)).toBe(true);
    }
    for (const other of [new Error("x"), { message: "x" }, "x", null, undefined, 42]) {
      expect(FlavorstackError.isInstance(other)).toBe(false);
    }
  });

  it("recognises an error thrown by another copy of core, which instanceof misses", async () => {
    const other = await secondCopy();
    expect(other.FlavorstackError).not.toBe(FlavorstackError);
    const foreign = new other.ArtifactStoreError("from the other copy");
    expect(foreign instanceof FlavorstackError).toBe(false);
    expect(FlavorstackError.isInstance(foreign)).toBe(true);
    expect(other.FlavorstackError.isInstance(new ArtifactStoreError("from this copy"))).toBe(true);
    expect(foreign.name).toBe("ArtifactStoreError");
  });
});
