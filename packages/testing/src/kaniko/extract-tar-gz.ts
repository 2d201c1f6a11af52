import { createWriteStream } from "node:fs";
import { copyFile, lstat, mkdir, realpath, symlink, unlink } from "node:fs/promises";
import { dirname, join, posix, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";

export interface ExtractSummary {
  files: number;
  bytes: number;
}

function safeRelative(name: string): string | undefined {
  const normalized = posix.normalize(name.replace(/^\/+/, ""));
  if (normalized === "." || normalized === "./" || normalized === "") return undefined;
  if (normalized === ".." || normalized.startsWith("../"))
    throw new Error(`refusing tar entry outside the context: ${name}`);
  return normalized.replace(/\/+$/, "");
}

async function removeExisting(target: string): Promise<void> {
  try {
    const stat = await lstat(target);
    if (!stat.isDirectory()) await unlink(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * Streams a gzipped tar into `dir` (gunzip → tar-stream → files), reading `source` to its end.
 * Entries escaping `dir` (`..`, absolute paths, writes through symlinks) are refused; devices and FIFOs skipped.
 */
export async function extractTarGz(source: Readable, dir: string, signal?: AbortSignal): Promise<ExtractSummary> {
  const root = await realpath(dir);
  const summary: ExtractSummary = { files: 0, bytes: 0 };
  const extract = tar.extract();

  const inside = async (relative: string): Promise<string> => {
    const target = join(root, ...relative.split("/"));
    const parent = dirname(target);
    await mkdir(parent, { recursive: true });
    const realParent = await realpath(parent);
    if (realParent !== root && !realParent.startsWith(root + sep)) {
      throw new Error(`refusing tar entry outside the context: ${relative}`);
    }
    return target;
  };

  const consume = async () => {
    for await (const entry of extract) {
      const { header } = entry;
      const relative = safeRelative(header.name);
      if (relative === undefined) {
        entry.resume();
        continue;
      }
      const target = await inside(relative);
      const mode = (header.mode ?? 0o644) & 0o7777;
      switch (header.type) {
        case "directory":
          await mkdir(target, { recursive: true, mode: mode || 0o755 });
          entry.resume();
          break;
        case "file":
        case "contiguous-file":
          await removeExisting(target);
          await pipeline(entry, createWriteStream(target, { mode: mode || 0o644 }));
          summary.files += 1;
          summary.bytes += header.size ?? 0;
          break;
        case "symlink":
          await removeExisting(target);
          await symlink(header.linkname ?? "", target);
          entry.resume();
          break;
        case "link": {
          const linked = safeRelative(header.linkname ?? "");
          if (linked === undefined) throw new Error(`refusing hard link to the context root: ${header.name}`);
          await removeExisting(target);
          await copyFile(await inside(linked), target);
          entry.resume();
          break;
        }
        default:
          entry.resume();
      }
    }
  };

  const piping = signal
    ? pipeline(source, createGunzip(), extract, { signal })
    : pipeline(source, createGunzip(), extract);
  const consuming = consume().catch((error: unknown) => {
    extract.destroy(error as Error);
    throw error;
  });
  const [piped, consumed] = await Promise.allSettled([piping, consuming]);
  const refused = consumed.status === "rejected" && /^refusing/.test(String((consumed.reason as Error)?.message));
  if (refused || (consumed.status === "rejected" && piped.status === "fulfilled"))
    throw (consumed as PromiseRejectedResult).reason;
  if (piped.status === "rejected") throw piped.reason;
  return summary;
}
