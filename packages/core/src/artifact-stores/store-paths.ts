import * as nodePath from "node:path";
import { ConfigError } from "../errors.js";

const SCHEME_PATTERN = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)/;

/** The `xx://` prefix of a path, or `""` when it has none. */
export function pathScheme(path: string): string {
  return SCHEME_PATTERN.exec(path)?.[1] ?? "";
}

function formatSchemes(schemes: readonly string[]): string {
  // ZenML prints its Python set of schemes: {'s3://'}.
  return `{${schemes.map((scheme) => `'${scheme}'`).join(", ")}}`;
}

/**
 * ZenML's message for a store path that does not start with a supported scheme, or `undefined`
 * when the path is fine. `""` in `supportedSchemes` accepts exactly the paths with no `xx://`
 * prefix. Shared by the store constructors and the flavors' config schemas.
 */
export function unsupportedSchemeMessage(
  path: string,
  supportedSchemes: readonly string[],
  name: string,
): string | undefined {
  const scheme = pathScheme(path);
  const supported = supportedSchemes.some((candidate) =>
    candidate === "" ? scheme === "" : path.startsWith(candidate),
  );
  if (supported) return undefined;
  return (
    `The path: '${path}' you defined for your artifact store is not supported by the implementation of ${name}, ` +
    `because it does not start with one of its supported schemes: ${formatSchemes(supportedSchemes)}.`
  );
}

/** Whether the absolute local path `location` is the directory `dir` or below it. */
export function isWithinDirectory(location: string, dir: string): boolean {
  return location === dir || location.startsWith(dir.endsWith(nodePath.sep) ? dir : dir + nodePath.sep);
}

/** Byte-wise (code unit) order of names, as listings are sorted. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The lexical side of a store's paths: normalising, bounds-checking against the root, and the
 * separators of local (`node:path`) and remote (`scheme + posix path`) stores.
 */
export class StorePaths {
  /** The root: `/data/store`, `s3://bucket/prefix` (normalised, no trailing slash). */
  readonly root: string;
  /** True for paths on this machine's file system (no `xx://` scheme). */
  readonly local: boolean;
  readonly #scheme: string;
  /** Root without its scheme (remote stores). */
  readonly #rootRest: string;

  /**
   * The paths of a store rooted at `root`, which must be non-empty and carry one of `supportedSchemes`.
   * @throws ConfigError saying what to change
   */
  constructor(root: string, supportedSchemes: readonly string[], storeName: string) {
    if (supportedSchemes.length === 0) {
      throw new ConfigError(
        `${storeName} declares no supported schemes. Pass supportedSchemes to the ArtifactStore constructor, e.g. ["s3://"], or [""] for local paths.`,
      );
    }
    if (root === "") {
      throw new ConfigError(
        `The path of a ${storeName} is empty. Set the artifact store's \`path\` to its root folder or URL.`,
      );
    }
    const schemeMessage = unsupportedSchemeMessage(root, supportedSchemes, storeName);
    if (schemeMessage !== undefined) {
      throw new ConfigError(
        `${schemeMessage}\nUse a path starting with one of these schemes, or register the artifact store with a flavor that supports '${pathScheme(root) || root}'.`,
      );
    }
    this.#scheme = pathScheme(root);
    this.local = this.#scheme === "";
    if (this.local) {
      this.root = nodePath.resolve(root);
      this.#rootRest = this.root;
    } else {
      this.#rootRest = StorePaths.#normaliseRest(root.slice(this.#scheme.length));
      this.root = this.#scheme + this.#rootRest;
    }
  }

  static #normaliseRest(rest: string): string {
    if (rest === "") return "";
    let normalised = nodePath.posix.normalize(rest);
    while (normalised.length > 1 && normalised.endsWith("/")) normalised = normalised.slice(0, -1);
    return normalised === "." ? "" : normalised;
  }

  /** The absolute, normalised form of `path`, or `undefined` when it lies outside the root. */
  tryResolve(path: string): string | undefined {
    if (this.local) {
      if (pathScheme(path) !== "") return undefined;
      const resolved = nodePath.resolve(this.root, path);
      return isWithinDirectory(resolved, this.root) ? resolved : undefined;
    }
    const scheme = pathScheme(path);
    let rest: string;
    if (scheme !== "") {
      if (scheme !== this.#scheme) return undefined;
      rest = StorePaths.#normaliseRest(path.slice(scheme.length));
    } else {
      // A leading "/" has no meaning in a bucket URL: refuse it rather than guess.
      if (path.startsWith("/")) return undefined;
      rest = StorePaths.#normaliseRest(this.#rootRest === "" ? path : `${this.#rootRest}/${path}`);
    }
    const root = this.#rootRest;
    const inside = rest === root || root === "" || rest.startsWith(root.endsWith("/") ? root : `${root}/`);
    if (!inside || rest.startsWith("..")) return undefined;
    return this.#scheme + rest;
  }

  /** `parts` joined with the store's separator (not resolved). */
  join(parts: readonly string[]): string {
    const joined = this.local ? nodePath.join(...parts) : nodePath.posix.join(...parts);
    return joined === "." ? "" : joined;
  }

  /** A resolved path relative to the root, `/`-separated (`""` for the root itself). */
  relativeOf(resolved: string): string {
    if (resolved === this.root) return "";
    const rest = resolved.slice(this.root.length).replace(/^[\\/]+/, "");
    return this.local ? rest.split(nodePath.sep).join("/") : rest;
  }

  childPath(dir: string, name: string): string {
    return this.local ? nodePath.join(dir, name) : `${dir}/${name}`;
  }

  /** An example path inside the root, for messages. */
  example(): string {
    return this.childPath(this.root, "a.txt");
  }
}
