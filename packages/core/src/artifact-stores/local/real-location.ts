import * as fs from "node:fs/promises";
import * as nodePath from "node:path";

/** As many links as Linux follows in one path resolution before ELOOP. */
const MAX_SYMBOLIC_LINKS = 40;

/**
 * Where the absolute path `location` really leads: every symbolic link on it resolved, dangling
 * ones too (to where they point), and the missing rest appended as written. `fs.realpath` alone
 * fails on any missing part, and a path about to be written is often missing.
 */
export async function realLocation(location: string): Promise<string> {
  return locate(location, 0);
}

async function locate(location: string, linksFollowed: number): Promise<string> {
  try {
    return await fs.realpath(location);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
  }
  const parent = nodePath.dirname(location);
  if (parent === location) return location;
  const realParent = await locate(parent, linksFollowed);
  const candidate = nodePath.join(realParent, nodePath.basename(location));
  const target = await fs.readlink(candidate).catch(() => undefined);
  if (target === undefined) return candidate;
  if (linksFollowed >= MAX_SYMBOLIC_LINKS) {
    throw Object.assign(new Error(`Too many levels of symbolic links at ${location}`), { code: "ELOOP" });
  }
  return locate(nodePath.resolve(realParent, target), linksFollowed + 1);
}
