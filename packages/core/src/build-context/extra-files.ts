import path from "node:path";
import { BuildContextError } from "../errors.js";

/** The extra files as a tree, merged into the walk of the root. */
export interface VirtualDir {
  files: Map<string, Buffer>;
  dirs: Map<string, VirtualDir>;
}

/** Builds the tree of `extraFiles`, refusing paths that leave the root or clash. */
export function buildVirtualTree(extraFiles: Record<string, string | Uint8Array>): VirtualDir {
  const root: VirtualDir = { files: new Map(), dirs: new Map() };
  for (const [rawPath, content] of Object.entries(extraFiles)) {
    const parts = normaliseExtraPath(rawPath);
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      if (dir.files.has(part)) throw extraConflict(rawPath);
      let next = dir.dirs.get(part);
      if (!next) {
        next = { files: new Map(), dirs: new Map() };
        dir.dirs.set(part, next);
      }
      dir = next;
    }
    const name = parts[parts.length - 1] as string;
    if (dir.dirs.has(name) || dir.files.has(name)) throw extraConflict(rawPath);
    dir.files.set(name, data);
  }
  return root;
}

function normaliseExtraPath(raw: string): string[] {
  if (raw === "" || raw.startsWith("/") || path.win32.isAbsolute(raw)) {
    throw new BuildContextError(
      `Extra file path '${raw}' must be relative to the build context root (like 'Dockerfile' or 'sub/gen.txt').`,
    );
  }
  if (raw.endsWith("/")) {
    throw new BuildContextError(`Extra file path '${raw}' ends with '/': give a file path, not a directory.`);
  }
  const parts = raw.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.length === 0 || parts.includes("..")) {
    throw new BuildContextError(
      `Extra file path '${raw}' must stay inside the build context root: '..' is not allowed.`,
    );
  }
  return parts;
}

function extraConflict(raw: string): BuildContextError {
  return new BuildContextError(
    `Extra file path '${raw}' conflicts with another extra file: one path cannot be both a file and a directory.`,
  );
}
