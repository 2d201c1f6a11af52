import { ArtifactStoreError } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import { type ContractContext, collect } from "./contract-context.js";

const SCHEME_PATTERN = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/**
 * An absolute path beside the root, not below it: `/tmp/t/elsewhere/x` for `/tmp/t/root`,
 * `s3://b/elsewhere/x` for `s3://b/prefix`, another bucket (`s3://elsewhere/x`) for `s3://b`.
 */
function besideRoot(root: string): string {
  const scheme = SCHEME_PATTERN.exec(root)?.[0] ?? "";
  const rest = root.slice(scheme.length);
  const cut = rest.lastIndexOf("/");
  if (cut > 0) return `${scheme}${rest.slice(0, cut)}/elsewhere/x`;
  return scheme === "" ? "/elsewhere/x" : `${scheme}elsewhere/x`;
}

/** Paths: normalising, and refusing every path outside the root. */
export function describePathsContract(context: ContractContext): void {
  describe("paths", () => {
    it("has a normalised root with a supported scheme", () => {
      expect(context.store.type).toBe("artifact_store");
      expect(context.store.path.endsWith("/") && context.store.path.length > 1).toBe(false);
      expect(context.store.supportedSchemes.length).toBeGreaterThan(0);
      expect(
        context.store.supportedSchemes.some((scheme) =>
          scheme === "" ? !SCHEME_PATTERN.test(context.store.path) : context.store.path.startsWith(scheme),
        ),
      ).toBe(true);
    });

    it("resolves relative and absolute paths to the same normalised path", () => {
      expect(context.store.resolve("")).toBe(context.store.path);
      expect(context.store.resolve(context.store.path)).toBe(context.store.path);
      const abs = context.store.resolve("x/y.txt");
      expect(abs.startsWith(context.store.path)).toBe(true);
      expect(context.store.resolve(abs)).toBe(abs);
      expect(context.store.resolve("x/./z/../y.txt")).toBe(abs);
      expect(context.store.join("x", "y.txt")).toBe(abs);
      expect(context.store.join()).toBe(context.store.path);
    });

    it.each([
      ["a parent", "../x"],
      ["a traversal", "a/../../x"],
      ["an absolute path with ..", "$ROOT/../x"],
      ["a sibling sharing the root as prefix", "$ROOT2/x"],
      ["a sibling that is the prefix trick itself", "$ROOT2"],
      ["an absolute path beside the root", "$BESIDE"],
      ["an absolute path at the top", "/flavorstack-elsewhere/x"],
      ["a path with another scheme", "other-scheme://bucket/x"],
    ])("refuses %s (%s)", async (_label, template) => {
      const outside = template.replace("$BESIDE", besideRoot(context.store.path)).replace("$ROOT", context.store.path);
      const message = `File \`${outside}\` is outside of artifact store bounds \`${context.store.path}\``;
      expect(context.store.contains(outside)).toBe(false);
      expect(() => context.store.resolve(outside)).toThrow(ArtifactStoreError);
      expect(() => context.store.resolve(outside)).toThrow(message);
      await expect(context.store.writeFile(outside, "x")).rejects.toThrow(message);
      await expect(context.store.readFile(outside)).rejects.toThrow(message);
      await expect(context.store.exists(outside)).rejects.toThrow(message);
      await expect(context.store.isdir(outside)).rejects.toThrow(message);
      await expect(context.store.listdir(outside)).rejects.toThrow(message);
      await expect(context.store.stat(outside)).rejects.toThrow(message);
      await expect(context.store.size(outside)).rejects.toThrow(message);
      await expect(context.store.remove(outside)).rejects.toThrow(message);
      await expect(context.store.rmtree(outside)).rejects.toThrow(message);
      await expect(context.store.makedirs(outside)).rejects.toThrow(message);
      await expect(context.store.mkdir(outside)).rejects.toThrow(message);
      await expect(context.store.open(outside, "w")).rejects.toThrow(message);
      await expect(context.store.glob(`${outside}/*`)).rejects.toThrow(ArtifactStoreError);
      await expect(collect(context.store.walk(outside))).rejects.toThrow(message);
      await context.store.writeFile("in.txt", "in");
      await expect(context.store.copyfile("in.txt", outside)).rejects.toThrow(message);
      await expect(context.store.rename("in.txt", outside)).rejects.toThrow(message);
      await expect(context.store.copyfile(outside, "in2.txt")).rejects.toThrow(message);
      expect(await context.store.readFile("in.txt")).toEqual(Buffer.from("in"));
      expect(() => context.store.join("..", "x")).toThrow(ArtifactStoreError);
    });

    it("says what to do in the bounds error", () => {
      expect(() => context.store.resolve("../x")).toThrow(/Use a path inside the store/);
    });
  });
}
