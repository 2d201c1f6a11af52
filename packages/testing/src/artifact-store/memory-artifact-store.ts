import { Readable, Writable } from "node:stream";
import { ArtifactStore, ArtifactStoreError, type ArtifactStoreStat } from "@flavorstack/core/plugin";

function notFound(path: string): Error {
  return Object.assign(new Error(`NoSuchKey: ${path}`), { name: "NoSuchKey" });
}

/**
 * An artifact store in memory, with a URL scheme (`mem://` by default) and no real directories,
 * like S3: a directory exists when a key lies below it, or when it was created explicitly (a
 * marker). It keeps the base class's default `walk`, `glob` and `size`. For tests of pipeline code
 * that needs a remote-style store, and as the smallest complete store to read.
 */
export class MemoryArtifactStore extends ArtifactStore {
  readonly files = new Map<string, { data: Buffer; modifiedAt: Date }>();
  readonly markers = new Set<string>();

  constructor(path = "mem://bucket", schemes: readonly string[] = ["mem://"]) {
    super({ id: "memory", name: "memory", flavor: "memory", config: { path } }, { supportedSchemes: schemes });
  }

  protected override async doOpenRead(path: string): Promise<Readable> {
    const file = this.files.get(path);
    if (!file) throw notFound(path);
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < file.data.length; offset += 64 * 1024) {
      chunks.push(file.data.subarray(offset, offset + 64 * 1024));
    }
    return Readable.from(chunks);
  }

  protected override async doOpenWrite(path: string): Promise<Writable> {
    if (await this.doIsdir(path)) throw new ArtifactStoreError(`\`${path}\` is a directory.`);
    const chunks: Buffer[] = [];
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        chunks.push(chunk);
        callback();
      },
      final: (callback) => {
        this.files.set(path, {
          data: Buffer.concat(chunks),
          modifiedAt: new Date(),
        });
        callback();
      },
    });
  }

  protected override async doExists(path: string): Promise<boolean> {
    return this.files.has(path) || (await this.doIsdir(path));
  }

  protected override async doIsdir(path: string): Promise<boolean> {
    if (path === this.path || this.markers.has(path)) return true;
    const prefix = `${path}/`;
    return [...this.files.keys(), ...this.markers].some((key) => key.startsWith(prefix));
  }

  protected override async doListdir(path: string): Promise<string[]> {
    if (!(await this.doIsdir(path))) throw notFound(path);
    const prefix = `${path}/`;
    const names = new Set<string>();
    for (const key of [...this.files.keys(), ...this.markers]) {
      if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split("/")[0] as string);
    }
    return [...names];
  }

  protected override async doMakedirs(path: string): Promise<void> {
    for (let dir = path; dir.length > this.path.length; dir = dir.slice(0, dir.lastIndexOf("/"))) {
      this.markers.add(dir);
    }
  }

  protected override async doMkdir(path: string): Promise<void> {
    this.markers.add(path);
  }

  protected override async doRemove(path: string): Promise<void> {
    if (!this.files.delete(path)) {
      if (await this.doIsdir(path)) throw new ArtifactStoreError(`\`${path}\` is a directory: use rmtree().`);
      throw notFound(path);
    }
  }

  protected override async doRename(src: string, dst: string): Promise<void> {
    await this.doCopyfile(src, dst);
    this.files.delete(src);
  }

  protected override async doRmtree(path: string): Promise<void> {
    if (this.files.has(path)) throw new ArtifactStoreError(`\`${path}\` is a file: use remove().`);
    if (!(await this.doIsdir(path))) throw notFound(path);
    for (const key of [...this.files.keys()]) if (key.startsWith(`${path}/`)) this.files.delete(key);
    for (const key of [...this.markers]) if (key === path || key.startsWith(`${path}/`)) this.markers.delete(key);
  }

  protected override async doStat(path: string): Promise<ArtifactStoreStat> {
    const file = this.files.get(path);
    if (file)
      return {
        path,
        size: file.data.length,
        isDirectory: false,
        modifiedAt: file.modifiedAt,
      };
    if (await this.doIsdir(path)) return { path, size: 0, isDirectory: true };
    throw notFound(path);
  }

  protected override async doCopyfile(src: string, dst: string): Promise<void> {
    const file = this.files.get(src);
    if (!file) {
      if (await this.doIsdir(src)) throw new ArtifactStoreError(`\`${src}\` is a directory.`);
      throw notFound(src);
    }
    this.files.set(dst, {
      data: Buffer.from(file.data),
      modifiedAt: new Date(),
    });
  }
}
