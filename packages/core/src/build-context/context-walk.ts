import { type Dirent, readdirSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { BuildContextError } from "../errors.js";
import type { Logger } from "../logger.js";
import { DockerIgnore, type DockerIgnoreMatchInfo } from "./docker-ignore.js";
import type { VirtualDir } from "./extra-files.js";

/** One entry of the archive, in archive order. */
export type Entry =
  | { kind: "directory"; path: string }
  | { kind: "file"; path: string; absPath: string }
  | { kind: "symlink"; path: string; absPath: string }
  | { kind: "extra"; path: string; data: Buffer };

/** A checked root with its ignore rules, ready to walk. */
export interface PreparedContext {
  root: string;
  matcher: DockerIgnore | undefined;
  /** Relative paths of ignore files, never archived. */
  skip: Set<string>;
  hasDockerignore: boolean;
}

interface Child {
  name: string;
  key: string;
  type: "dir" | "file" | "symlink" | "other" | "extra" | "virtual-dir";
  virtual?: VirtualDir;
  data?: Buffer;
  dirent?: Dirent;
}

/** Checks the root and reads the ignore file (`<root>/.dockerignore` unless `dockerignoreFile` is given). */
export async function prepareContext(root: string, dockerignoreFile: string | undefined): Promise<PreparedContext> {
  let rootStat: Awaited<ReturnType<typeof stat>>;
  try {
    rootStat = await stat(root);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new BuildContextError(
      code === "ENOENT"
        ? `Build context root '${root}' does not exist. Pass the directory that holds the Dockerfile and the files the image needs.`
        : `Cannot access the build context root '${root}' (${code ?? String(cause)}). Check the path and its permissions.`,
      { cause },
    );
  }
  if (!rootStat.isDirectory()) {
    throw new BuildContextError(
      `Build context root '${root}' is not a directory. Pass the directory that holds the Dockerfile, not a file.`,
    );
  }

  const skip = new Set<string>([".dockerignore"]);
  const explicit = dockerignoreFile !== undefined;
  const ignorePath = path.resolve(root, dockerignoreFile ?? ".dockerignore");
  const relIgnore = path.relative(root, ignorePath);
  if (relIgnore && !relIgnore.startsWith("..") && !path.isAbsolute(relIgnore)) {
    skip.add(relIgnore.split(path.sep).join("/"));
  }
  let content: string | undefined;
  try {
    content = await readFile(ignorePath, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" || explicit) {
      throw new BuildContextError(
        code === "ENOENT"
          ? `The dockerignore file '${ignorePath}' does not exist. Create it, or drop the 'dockerignoreFile' option to use '<root>/.dockerignore' when present.`
          : `Cannot read the dockerignore file '${ignorePath}' (${code ?? String(cause)}). Check that it is a readable file.`,
        { cause },
      );
    }
  }
  const matcher = content === undefined ? undefined : DockerIgnore.parse(content);
  return {
    root,
    matcher: matcher && matcher.patterns.length > 0 ? matcher : undefined,
    skip,
    hasDockerignore: content !== undefined,
  };
}

/** Every entry of the archive: the files under the root that the ignore rules keep, and the extra files. */
/** Called with every directory of the file system the walk reads (ignored ones it must look into included). */
export type OnDirectoryRead = (absDir: string) => void;

export function walkContext(
  prepared: PreparedContext,
  extras: VirtualDir,
  logger: Logger,
  onDirectoryRead?: OnDirectoryRead,
): Generator<Entry> {
  return walk({ prepared, logger, onDirectoryRead }, prepared.root, "", undefined, extras);
}

/**
 * Yields the entries under `relDir` in byte-wise path order: depth first,
 * siblings sorted by name, a directory's key being `name/`.
 */
function* walk(
  walker: { prepared: PreparedContext; logger: Logger; onDirectoryRead: OnDirectoryRead | undefined },
  absDir: string | undefined,
  relDir: string,
  parentInfo: DockerIgnoreMatchInfo | undefined,
  virtual: VirtualDir | undefined,
): Generator<Entry> {
  const { prepared, logger } = walker;
  if (absDir !== undefined) walker.onDirectoryRead?.(absDir);
  const children = childrenOf(absDir, relDir, virtual);
  const matcher = prepared.matcher;
  for (const child of children) {
    const rel = relDir === "" ? child.name : `${relDir}/${child.name}`;
    if (child.type === "extra") {
      yield { kind: "extra", path: rel, data: child.data as Buffer };
      continue;
    }
    if (child.type === "virtual-dir") {
      yield { kind: "directory", path: rel };
      yield* walk(walker, undefined, rel, undefined, child.virtual);
      continue;
    }
    if (prepared.skip.has(rel)) continue;
    const abs = path.join(absDir as string, child.name);
    let excluded = false;
    let info: DockerIgnoreMatchInfo | undefined;
    if (matcher) ({ matched: excluded, info } = matcher.matchesUsingParentResults(rel, parentInfo));
    if (relDir === "" && child.name === "Dockerfile") excluded = false;

    switch (child.type) {
      case "file":
        if (!excluded) yield { kind: "file", path: rel, absPath: abs };
        break;
      case "symlink":
        if (!excluded) yield { kind: "symlink", path: rel, absPath: abs };
        break;
      case "other":
        if (!excluded) {
          logger.warn(
            `Skipping '${rel}' in the build context '${prepared.root}': ${describeSpecial(child.dirent)} cannot be archived. Exclude it in .dockerignore to silence this warning.`,
          );
        }
        break;
      case "dir":
        if (!excluded) {
          yield { kind: "directory", path: rel };
          yield* walk(walker, abs, rel, info, child.virtual);
        } else if (child.virtual || matcher?.mayIncludeInside(rel)) {
          // Excluded, but an exception or an extra file may bring back
          // something inside: its directory entry goes first, if needed.
          let first = true;
          for (const entry of walk(walker, abs, rel, info, child.virtual)) {
            if (first) {
              first = false;
              yield { kind: "directory", path: rel };
            }
            yield entry;
          }
        }
        break;
    }
  }
}

function childrenOf(absDir: string | undefined, relDir: string, virtual: VirtualDir | undefined): Child[] {
  const byName = new Map<string, Child>();
  if (absDir !== undefined) {
    let dirents: Dirent[];
    try {
      dirents = readdirSync(absDir, { withFileTypes: true });
    } catch (cause) {
      throw readError(relDir || ".", absDir, cause);
    }
    for (const dirent of dirents) {
      const name = dirent.name;
      if (dirent.isDirectory()) byName.set(name, { name, key: `${name}/`, type: "dir" });
      else if (dirent.isFile()) byName.set(name, { name, key: name, type: "file" });
      else if (dirent.isSymbolicLink()) byName.set(name, { name, key: name, type: "symlink" });
      else byName.set(name, { name, key: name, type: "other", dirent });
    }
  }
  if (virtual) {
    for (const [name, data] of virtual.files) byName.set(name, { name, key: name, type: "extra", data });
    for (const [name, dir] of virtual.dirs) {
      const onDisk = byName.get(name);
      if (onDisk?.type === "dir") onDisk.virtual = dir;
      else
        byName.set(name, {
          name,
          key: `${name}/`,
          type: "virtual-dir",
          virtual: dir,
        });
    }
  }
  return [...byName.values()].sort((a, b) => compareKeys(a.key, b.key));
}

/** A file or directory of the context that cannot be read, named, with the OS error as cause. */
export function readError(rel: string, abs: string, cause: unknown): BuildContextError {
  const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
  return new BuildContextError(
    `Cannot read '${rel}' of the build context ('${abs}'): ${code}. Fix its permissions, or exclude it in .dockerignore.`,
    { cause },
  );
}

function describeSpecial(dirent: Dirent | undefined): string {
  if (dirent?.isFIFO()) return "a FIFO (named pipe)";
  if (dirent?.isSocket()) return "a socket";
  if (dirent?.isBlockDevice()) return "a block device";
  if (dirent?.isCharacterDevice()) return "a character device";
  return "a special file";
}

/**
 * Byte-wise (UTF-8) order. JavaScript compares UTF-16 code units, which
 * agrees with UTF-8 byte order except between surrogate pairs and U+E000–U+FFFF.
 */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (/[\ud800-\uffff]/.test(a) || /[\ud800-\uffff]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
}
