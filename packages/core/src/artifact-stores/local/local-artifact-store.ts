import { randomBytes } from "node:crypto";
import { type Dirent, constants as fsConstants } from "node:fs";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as nodePath from "node:path";
import type { Readable, Writable } from "node:stream";
import { ArtifactStoreError, ConfigError } from "../../errors.js";
import type { StackComponentInit } from "../../stack/stack-component.js";
import { ArtifactStore } from "../artifact-store.js";
import type { ArtifactStoreStat, ArtifactStoreWalkEntry } from "../artifact-store-types.js";
import { isWithinDirectory } from "../store-paths.js";
import { AtomicFileWriter } from "./atomic-file-writer.js";
import { LOCAL_STORE_NAME, type LocalArtifactStoreConfig } from "./local-artifact-store-config.js";
import { realLocation } from "./real-location.js";

const READ_CHUNK_SIZE = 64 * 1024;

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * An artifact store in a local folder (node:fs/promises). Writes are atomic: data goes to a
 * temporary file (`.<name>.<random>.tmp`) in the destination folder and is renamed into place when
 * the stream finishes. Symbolic links inside the root are followed as long as they lead to a place
 * inside the root; a path that leads out of it through a link is refused by every method, `exists`
 * and `remove` of such a link included (so a link listed by `walk` may still be refused).
 * `walk`/`glob` report links as entries and never descend into them. A write to a path whose last
 * part is a link replaces the link with the file (the atomic rename lands on the link itself), and
 * a dangling link to a folder is not created by `makedirs`.
 */
export class LocalArtifactStore extends ArtifactStore<LocalArtifactStoreConfig> {
  /** `<FLAVORSTACK_HOME or ~/.flavorstack>/local_stores/<componentId>`. */
  static defaultPath(componentId: string): string {
    if (
      componentId === "" ||
      componentId === "." ||
      componentId === ".." ||
      /[\\/]/.test(componentId) ||
      componentId.includes("\0")
    ) {
      throw new ConfigError(
        `Invalid component id '${componentId}' for a local artifact store folder. Use a non-empty id without '/', '\\' or '..'.`,
      );
    }
    const home = process.env.FLAVORSTACK_HOME || nodePath.join(os.homedir(), ".flavorstack");
    return nodePath.join(nodePath.resolve(home), "local_stores", componentId);
  }

  /** Made by `LocalArtifactStoreFlavor.createComponent`. An empty path uses {@link LocalArtifactStore.defaultPath}(id). */
  constructor(init: StackComponentInit<LocalArtifactStoreConfig>) {
    super(init, {
      supportedSchemes: [""],
      storeName: LOCAL_STORE_NAME,
      root: init.config.path === "" ? LocalArtifactStore.defaultPath(init.id) : init.config.path,
    });
  }

  /**
   * Refuses a path that leads out of the root through a symbolic link (`root/link/secret` with
   * `root/link -> /elsewhere`), dangling links included; the lexical check cannot see those. Links
   * that stay inside the root are fine. The root itself may be a link.
   */
  protected override async checkLocation(resolved: string): Promise<void> {
    const [location, root] = await Promise.all([realLocation(resolved), realLocation(this.path)]);
    if (isWithinDirectory(location, root)) return;
    throw new ArtifactStoreError(
      `File \`${resolved}\` is outside of artifact store bounds \`${this.path}\`: a symbolic link on its way leads to \`${location}\`. ` +
        "The store never follows a link out of its root: use a path whose folders are inside the store, or replace the link with the data itself.",
    );
  }

  protected override async doOpenRead(path: string): Promise<Readable> {
    const handle = await fs.open(path, "r");
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) {
        throw new ArtifactStoreError(
          `Cannot open \`${path}\` for reading: it is a directory. Open a file, or use listdir()/walk() to see what the directory holds.`,
        );
      }
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    return handle.createReadStream({ highWaterMark: READ_CHUNK_SIZE, autoClose: true });
  }

  protected override async doOpenWrite(path: string): Promise<Writable> {
    const dir = nodePath.dirname(path);
    await this.#ensureDirectory(dir, path);
    const existing = await fs.stat(path).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new ArtifactStoreError(
        `Cannot write \`${path}\`: it is a directory. Write to a file path (e.g. \`${nodePath.join(path, "file")}\`), or remove the directory with rmtree() first.`,
      );
    }
    const tempPath = nodePath.join(
      dir,
      `.${nodePath.basename(path).slice(0, 100)}.${randomBytes(6).toString("hex")}.tmp`,
    );
    const handle = await fs.open(tempPath, "wx");
    return new AtomicFileWriter(handle, tempPath, path, (operation, cause) =>
      this.operationError(operation, path, cause),
    );
  }

  protected override async doExists(path: string): Promise<boolean> {
    try {
      await fs.stat(path);
      return true;
    } catch (error) {
      if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return false;
      throw error;
    }
  }

  protected override async doIsdir(path: string): Promise<boolean> {
    try {
      return (await fs.stat(path)).isDirectory();
    } catch (error) {
      if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return false;
      throw error;
    }
  }

  protected override async doListdir(path: string): Promise<string[]> {
    try {
      return await fs.readdir(path);
    } catch (error) {
      if (errorCode(error) === "ENOTDIR") {
        throw new ArtifactStoreError(
          `Cannot list \`${path}\`: it is a file, not a directory. List its parent directory, or use stat() for the file.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  protected override async doMakedirs(path: string): Promise<void> {
    await this.#ensureDirectory(path, path);
  }

  protected override async doMkdir(path: string): Promise<void> {
    try {
      await fs.mkdir(path);
    } catch (error) {
      const code = errorCode(error);
      if (code === "EEXIST" && (await this.doIsdir(path))) return;
      if (code === "EEXIST") {
        throw new ArtifactStoreError(
          `Cannot create the directory \`${path}\`: a file of that name exists. Remove the file first, or choose another name.`,
          { cause: error },
        );
      }
      if (code === "ENOENT") {
        throw new ArtifactStoreError(
          `Cannot create the directory \`${path}\`: its parent \`${nodePath.dirname(path)}\` does not exist. Use makedirs() to create the missing parents too.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  protected override async doRemove(path: string): Promise<void> {
    const stats = await fs.lstat(path);
    if (stats.isDirectory()) {
      throw new ArtifactStoreError(
        `Cannot remove \`${path}\`: it is a directory. Use rmtree() to remove a directory and its content.`,
      );
    }
    await fs.unlink(path);
  }

  protected override async doRename(src: string, dst: string, _overwrite: boolean): Promise<void> {
    await fs.lstat(src); // a missing source is reported as such, not as a destination problem
    await this.#ensureDirectory(nodePath.dirname(dst), dst);
    await fs.rename(src, dst);
  }

  protected override async doRmtree(path: string): Promise<void> {
    const stats = await fs.lstat(path);
    if (!stats.isDirectory()) {
      throw new ArtifactStoreError(
        `Cannot remove the tree \`${path}\`: it is not a directory. Use remove() to remove a file.`,
      );
    }
    await fs.rm(path, { recursive: true });
  }

  protected override async doStat(path: string): Promise<ArtifactStoreStat> {
    const stats = await fs.stat(path);
    const isDirectory = stats.isDirectory();
    return {
      path,
      size: isDirectory ? 0 : stats.size,
      isDirectory,
      modifiedAt: stats.mtime,
    };
  }

  protected override async doCopyfile(src: string, dst: string, overwrite: boolean): Promise<void> {
    const stats = await fs.stat(src);
    if (stats.isDirectory()) {
      throw new ArtifactStoreError(
        `Cannot copy \`${src}\`: it is a directory. copyfile() copies one file; copy the files of the directory one by one (walk() lists them).`,
      );
    }
    await this.#ensureDirectory(nodePath.dirname(dst), dst);
    try {
      await fs.copyFile(src, dst, overwrite ? 0 : fsConstants.COPYFILE_EXCL);
    } catch (error) {
      if (!overwrite && errorCode(error) === "EEXIST") throw this.alreadyExistsError(dst, "copy");
      throw error;
    }
  }

  protected override async *doWalk(top: string, topdown: boolean): AsyncGenerator<ArtifactStoreWalkEntry> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(top, { withFileTypes: true });
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT" || code === "ENOTDIR") return;
      throw error;
    }
    const dirs: string[] = [];
    const files: string[] = [];
    for (const entry of entries) (entry.isDirectory() ? dirs : files).push(entry.name);
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    dirs.sort(byName);
    files.sort(byName);
    yield* this.walkFrom(top, dirs, files, topdown);
  }

  /** mkdir -p, with a clear message when a file is in the way. */
  async #ensureDirectory(dir: string, forPath: string): Promise<void> {
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (error) {
      const code = errorCode(error);
      if (code === "EEXIST" || code === "ENOTDIR") {
        throw new ArtifactStoreError(
          `Cannot create the directory \`${dir}\` for \`${forPath}\`: a file is in the way. Remove that file, or choose another path.`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}
