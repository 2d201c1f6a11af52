import type { ArtifactStoreWalkEntry } from "./artifact-store-types.js";
import type { StorePaths } from "./store-paths.js";

/** Glob patterns over `/`-separated store paths, as {@link ArtifactStore.glob} takes them. */

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Converts a glob pattern over `/`-separated relative paths into an anchored RegExp.
 * `*` matches any characters but `/`, `?` one character but `/`, a whole `**` segment zero or
 * more directories (`a/**​/b` matches `a/b` and `a/x/y/b`; a trailing `a/**` everything below
 * `a`). Every other character is literal. Names starting with `.` are matched like any other.
 */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split("/");
  let source = "";
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === "**") {
      source += last ? ".*" : "(?:[^/]*/)*";
      return;
    }
    for (let i = 0; i < segment.length; i++) {
      const char = segment[i] as string;
      if (char === "*") {
        while (segment[i + 1] === "*") i++;
        source += "[^/]*";
      } else if (char === "?") {
        source += "[^/]";
      } else {
        source += escapeRegExp(char);
      }
    }
    if (!last) source += "/";
  });
  return new RegExp(`^${source}$`);
}

function hasWildcard(segment: string): boolean {
  return segment.includes("*") || segment.includes("?");
}

/** What {@link globByWalking} needs of a store: its hooks, on resolved paths. */
export interface GlobHooks {
  exists(path: string): Promise<boolean>;
  /** A top-down walk whose consumer may prune `dirs`. */
  walk(top: string): AsyncIterable<ArtifactStoreWalkEntry>;
}

/** The matches of a resolved `pattern`, found by walking from its literal prefix (unsorted). */
export async function globByWalking(pattern: string, paths: StorePaths, hooks: GlobHooks): Promise<string[]> {
  const relative = paths.relativeOf(pattern);
  const segments = relative === "" ? [] : relative.split("/");
  const firstWild = segments.findIndex(hasWildcard);
  if (firstWild === -1) return (await hooks.exists(pattern)) ? [pattern] : [];
  const base = segments.slice(0, firstWild).reduce((dir, name) => paths.childPath(dir, name), paths.root);
  const regexp = globToRegExp(relative);
  const maxDepth = segments.includes("**") ? Number.POSITIVE_INFINITY : segments.length;
  const matches: string[] = [];
  for await (const [dir, dirs, files] of hooks.walk(base)) {
    const dirRelative = paths.relativeOf(dir);
    const depth = dirRelative === "" ? 1 : dirRelative.split("/").length + 1;
    for (const name of [...dirs, ...files]) {
      const candidate = dirRelative === "" ? name : `${dirRelative}/${name}`;
      if (regexp.test(candidate)) matches.push(paths.childPath(dir, name));
    }
    if (depth >= maxDepth) dirs.length = 0;
  }
  return matches;
}
