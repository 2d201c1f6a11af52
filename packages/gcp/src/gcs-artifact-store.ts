import type { Readable, Writable } from "node:stream";
import {
  ArtifactStore,
  ArtifactStoreError,
  type ArtifactStoreStat,
  type ArtifactStoreWalkEntry,
  type StackComponentInit,
} from "@flavorstack/core/plugin";
import type { Bucket } from "@google-cloud/storage";
import {
  bucketOf,
  GCS_STORE_NAME,
  GCS_SUPPORTED_SCHEMES,
  type GcsArtifactStoreConfig,
} from "./gcs-artifact-store-config.js";
import { openBucket } from "./gcs-client.js";
import { credentialsError, isCredentialsError, isMissingBucketError, missingBucketError } from "./gcs-errors.js";
import { hasObjectsUnder, listPages, listTree, MAX_PAGE_SIZE, type TreeDirectory } from "./gcs-listing.js";
import { createGcsWriteStream } from "./gcs-write-stream.js";

/** Deletes in flight at once in `rmtree`. */
const DELETE_CONCURRENCY = 32;

/**
 * An artifact store in a Google Cloud Storage bucket, under `gs://bucket[/prefix]`. Directories are key prefixes:
 * one exists while an object lies below it, so `makedirs` and `mkdir` do nothing; `rename` is a server-side copy
 * then a delete; `walk` and `glob` work from one recursive listing. Reads stream the object; writes stream one
 * resumable upload (CRC32C validated) that becomes the object only when the stream finishes.
 *
 * `@google-cloud/storage` is imported on the first operation, not before.
 */
export class GcsArtifactStore extends ArtifactStore<GcsArtifactStoreConfig> {
  /** The bucket of the root. */
  readonly bucketName: string;
  #bucket: Promise<Bucket> | undefined;

  constructor(init: StackComponentInit<GcsArtifactStoreConfig>) {
    super(init, { supportedSchemes: GCS_SUPPORTED_SCHEMES, storeName: GCS_STORE_NAME });
    this.bucketName = bucketOf(this.path);
  }

  /** `STORAGE_EMULATOR_HOST` when a custom API endpoint is configured: Go's and Node's GCS clients honour it. */
  override containerEnvironment(): Record<string, string> {
    return this.config.apiEndpoint === undefined ? {} : { STORAGE_EMULATOR_HOST: this.config.apiEndpoint };
  }

  /** What `console.log` and `util.inspect` show: the config without its secret. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    const secret = this.config.serviceAccountJson === undefined ? "" : ", serviceAccountJson: '***'";
    return `GcsArtifactStore { name: '${this.name}', path: '${this.path}'${secret} }`;
  }

  #open(): Promise<Bucket> {
    this.#bucket ??= openBucket(this.config, this.bucketName, this.path).catch((error: unknown) => {
      this.#bucket = undefined;
      throw error;
    });
    return this.#bucket;
  }

  /** The object key of a resolved path (`""` for the bucket's root). */
  #key(path: string): string {
    return path.slice(`gs://${this.bucketName}`.length).replace(/^\/+/, "");
  }

  /** The prefix of the objects below a resolved path: `key/`, or `""` at the bucket's root. */
  #prefix(path: string): string {
    const key = this.#key(path);
    return key === "" ? "" : `${key}/`;
  }

  async #file(path: string) {
    return (await this.#open()).file(this.#key(path));
  }

  // ---------------------------------------------------------------- hooks

  protected override async doOpenRead(path: string): Promise<Readable> {
    const bucket = await this.#open();
    const key = this.#key(path);
    // A missing object fails here rather than later on the stream; the generation found is the one streamed.
    const [metadata] = await bucket.file(key).getMetadata();
    const generation = metadata.generation === undefined ? {} : { generation: metadata.generation };
    return bucket.file(key, generation).createReadStream({ validation: "crc32c" });
  }

  protected override async doOpenWrite(path: string): Promise<Writable> {
    if (await this.doIsdir(path)) {
      throw new ArtifactStoreError(
        `Cannot write \`${path}\` in artifact store \`${this.path}\`: it is a directory (objects lie below it). Choose a file path.`,
      );
    }
    return createGcsWriteStream(await this.#file(path));
  }

  protected override async doExists(path: string): Promise<boolean> {
    if (path !== this.path) {
      const [exists] = await (await this.#file(path)).exists();
      if (exists) return true;
    }
    return this.doIsdir(path);
  }

  protected override async doIsdir(path: string): Promise<boolean> {
    const underRoot = await hasObjectsUnder(await this.#open(), this.#prefix(path));
    // The root is a directory even when empty; the listing above still fails on a missing bucket.
    return path === this.path || underRoot;
  }

  protected override async doListdir(path: string): Promise<string[]> {
    const prefix = this.#prefix(path);
    const names = new Set<string>();
    for await (const page of listPages(await this.#open(), { prefix, delimiter: "/" })) {
      for (const name of page.names) if (name !== prefix) names.add(name.slice(prefix.length));
      for (const dir of page.prefixes) names.add(dir.slice(prefix.length, -1));
    }
    if (names.size === 0 && path !== this.path) throw this.notFoundError(path);
    return [...names];
  }

  protected override async doMakedirs(): Promise<void> {}

  protected override async doMkdir(): Promise<void> {}

  protected override async doRemove(path: string): Promise<void> {
    try {
      await (await this.#file(path)).delete();
    } catch (error) {
      await this.#refineMissing(path, error, "use rmtree() to remove a directory");
    }
  }

  protected override async doRename(src: string, dst: string): Promise<void> {
    await this.doCopyfile(src, dst);
    await (await this.#file(src)).delete();
  }

  protected override async doRmtree(path: string): Promise<void> {
    if (path !== this.path && (await (await this.#file(path)).exists())[0]) {
      throw new ArtifactStoreError(
        `Cannot remove the tree \`${path}\` in artifact store \`${this.path}\`: it is a file. Use remove().`,
      );
    }
    const bucket = await this.#open();
    const prefix = this.#prefix(path);
    let removed = 0;
    // Page by page, always the first page again: deleted objects leave the listing, so no page token is needed.
    while (true) {
      const { value: page } = await listPages(bucket, { prefix, pageSize: MAX_PAGE_SIZE }).next();
      const names = page?.names ?? [];
      if (names.length === 0) break;
      await deleteAll(bucket, names);
      removed += names.length;
    }
    if (removed === 0 && path !== this.path) throw this.notFoundError(path);
  }

  protected override async doStat(path: string): Promise<ArtifactStoreStat> {
    let missing: unknown;
    if (path !== this.path) {
      try {
        const [metadata] = await (await this.#file(path)).getMetadata();
        const modified = metadata.updated ?? metadata.timeCreated;
        return {
          path,
          size: Number(metadata.size ?? 0),
          isDirectory: false,
          ...(modified === undefined ? {} : { modifiedAt: new Date(modified) }),
        };
      } catch (error) {
        if (!this.isNotFoundError(error) || isMissingBucketError(error)) throw error;
        missing = error;
      }
    }
    if (await this.doIsdir(path)) return { path, size: 0, isDirectory: true };
    throw this.notFoundError(path, missing);
  }

  protected override async doCopyfile(src: string, dst: string): Promise<void> {
    try {
      await (await this.#file(src)).copy(await this.#file(dst));
    } catch (error) {
      await this.#refineMissing(src, error, "copy the files below it one by one");
    }
  }

  /** One recursive listing of `top`, then the walk over the tree it gives (no request per directory). */
  protected override async *doWalk(top: string, topdown: boolean): AsyncGenerator<ArtifactStoreWalkEntry> {
    if (top !== this.path && (await (await this.#file(top)).exists())[0]) return;
    const { tree, empty } = await listTree(await this.#open(), this.#prefix(top));
    if (empty && top !== this.path) return;
    yield* walkTree(top, tree, topdown);
  }

  // ---------------------------------------------------------------- errors

  protected override notFoundError(path: string, cause?: unknown): ArtifactStoreError {
    if (isMissingBucketError(cause)) return missingBucketError(this.bucketName, this.path, cause);
    return super.notFoundError(path, cause);
  }

  protected override operationError(operation: string, path: string, cause: unknown): ArtifactStoreError {
    if (isMissingBucketError(cause)) return missingBucketError(this.bucketName, this.path, cause);
    if (isCredentialsError(cause)) return credentialsError(operation, path, this.path, cause);
    return super.operationError(operation, path, cause);
  }

  /** Rethrows a 404 of a file operation as "is a directory" when objects lie below `path`, else as it is. */
  async #refineMissing(path: string, error: unknown, advice: string): Promise<never> {
    if (this.isNotFoundError(error) && !isMissingBucketError(error) && (await this.doIsdir(path))) {
      throw new ArtifactStoreError(`\`${path}\` is a directory in artifact store \`${this.path}\`: ${advice}.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Deletes objects, at most {@link DELETE_CONCURRENCY} at once; one already gone is fine. */
async function deleteAll(bucket: Bucket, names: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++] as string;
      await bucket.file(name).delete({ ignoreNotFound: true });
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, names.length) }, worker));
}

/** Yields `[dir, dirs, files]` over a listed tree, sorted, honouring pruning of `dirs` in top-down order. */
async function* walkTree(dir: string, node: TreeDirectory, topdown: boolean): AsyncGenerator<ArtifactStoreWalkEntry> {
  const dirs = [...node.dirs.keys()].sort(compare);
  const entry: ArtifactStoreWalkEntry = [dir, dirs, [...node.files].sort(compare)];
  if (topdown) yield entry;
  for (const name of topdown ? [...dirs] : dirs) {
    if (topdown && !dirs.includes(name)) continue;
    yield* walkTree(`${dir}/${name}`, node.dirs.get(name) as TreeDirectory, topdown);
  }
  if (!topdown) yield entry;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
