import type { Readable, Writable } from "node:stream";
import {
  ArtifactStore,
  ArtifactStoreError,
  type ArtifactStoreStat,
  type ArtifactStoreWalkEntry,
  type StackComponentInit,
} from "@flavorstack/core/plugin";
import { S3_SECRET_FIELDS, type S3ArtifactStoreConfig } from "./s3-artifact-store-config.js";
import { configuredRegion, connectS3, type S3Connection } from "./s3-client.js";
import { copyS3Object } from "./s3-copy.js";
import { isMissingBucketError, translateS3Error, withoutSecrets } from "./s3-errors.js";
import { S3KeyTree } from "./s3-key-tree.js";
import { listPages } from "./s3-listing.js";
import { directoryPrefix, parseS3Path } from "./s3-location.js";

/** The parameters of `s3AdditionalKwargs` that reads need too (SSE-C: the object's customer key). */
const SSE_CUSTOMER_PARAMETERS = Object.freeze(["SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5"]);
/** DeleteObjects takes at most 1,000 keys a call. */
const DELETE_BATCH = 1000;
/** CopyObject requests in flight while a directory is renamed. */
const COPY_CONCURRENCY = 16;

/** What HeadObject tells of an object. */
interface ObjectHead {
  size: number;
  modifiedAt?: Date;
}

/**
 * An artifact store in an S3 bucket (AWS or an S3-compatible server), under `s3://bucket[/prefix]`.
 *
 * S3 has keys, not directories: a directory is a key prefix ending in `/`, and it exists while an object lies below
 * it. So `makedirs` and `mkdir` do nothing, `isdir` asks whether any key starts with `dir/`, `listdir` is a listing
 * with delimiter `/`, `walk` (and `glob`, through it) is one recursive listing, copies stay on the server
 * (`copyS3Object`), `rename` copies then deletes, and
 * `rmtree` deletes 1,000 keys a request. Reads stream the GetObject body (`createS3ReadStream`, ranged to go on
 * after a dropped connection); writes stream through a multipart upload (`createS3WriteStream`). The AWS SDK loads on the first request.
 */
export class S3ArtifactStore extends ArtifactStore<S3ArtifactStoreConfig> {
  readonly #bucket: string;
  readonly #secrets: readonly string[];
  #connection: Promise<S3Connection> | undefined;

  constructor(init: StackComponentInit<S3ArtifactStoreConfig>) {
    super(init, { supportedSchemes: ["s3://"] });
    this.#bucket = parseS3Path(this.path).bucket;
    const sseCustomerKey = init.config.s3AdditionalKwargs?.SSECustomerKey;
    this.#secrets = [...S3_SECRET_FIELDS.map((field) => init.config[field]), sseCustomerKey].filter(
      (value): value is string => typeof value === "string" && value !== "",
    );
  }

  /** `S3_ENDPOINT`, `S3_FORCE_PATH_STYLE` and `AWS_REGION` as kaniko's S3 client reads them; never credentials. */
  override containerEnvironment(): Record<string, string> {
    const environment: Record<string, string> = {};
    const endpointUrl = this.config.clientKwargs?.endpointUrl;
    const region = configuredRegion(this.config);
    if (endpointUrl !== undefined) environment.S3_ENDPOINT = endpointUrl;
    if (this.config.forcePathStyle) environment.S3_FORCE_PATH_STYLE = "true";
    // kaniko's SDK needs a region for a custom endpoint too: the same one this store's client uses.
    if (region !== undefined) environment.AWS_REGION = region;
    return environment;
  }

  /** What `console.log(store)` shows: no config, so no credentials. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `S3ArtifactStore { name: '${this.name}', path: '${this.path}' }`;
  }

  // ---------------------------------------------------------------- errors

  protected override isNotFoundError(error: unknown): boolean {
    return !isMissingBucketError(error) && super.isNotFoundError(error);
  }

  protected override notFoundError(path: string, cause?: unknown): ArtifactStoreError {
    return super.notFoundError(path, cause === undefined ? undefined : withoutSecrets(cause, this.#secrets));
  }

  protected override operationError(operation: string, path: string, cause: unknown): ArtifactStoreError {
    return (
      translateS3Error(cause, { operation, path, root: this.path, bucket: this.#bucket, secrets: this.#secrets }) ??
      super.operationError(operation, path, withoutSecrets(cause, this.#secrets))
    );
  }

  /** The error a stream reports (the base class translates only what the hooks throw). */
  #streamError(operation: string, path: string, error: unknown): ArtifactStoreError {
    if (error instanceof ArtifactStoreError) return error;
    return this.isNotFoundError(error) ? this.notFoundError(path, error) : this.operationError(operation, path, error);
  }

  #kindError(path: string, problem: string): ArtifactStoreError {
    return new ArtifactStoreError(`\`${path}\` ${problem} (artifact store \`${this.path}\`).`);
  }

  // ---------------------------------------------------------------- requests

  #connect(): Promise<S3Connection> {
    if (this.#connection === undefined) {
      this.#connection = connectS3(this.config);
      // A failed load (a missing SDK) is tried again on the next request.
      this.#connection.catch(() => {
        this.#connection = undefined;
      });
    }
    return this.#connection;
  }

  #key(path: string): string {
    return parseS3Path(path).key;
  }

  #additional(names?: readonly string[]): Record<string, unknown> {
    const all = this.config.s3AdditionalKwargs ?? {};
    if (names === undefined) return { ...all };
    return Object.fromEntries(Object.entries(all).filter(([name]) => names.includes(name)));
  }

  /** HeadObject: the object's size and time, or the not-found error when there is no object with that key. */
  async #head(key: string): Promise<ObjectHead | { missing: unknown }> {
    if (key === "") return { missing: new ArtifactStoreError("The bucket itself is no object.") };
    const { sdk, client } = await this.#connect();
    try {
      const head = await client.send(
        new sdk.HeadObjectCommand({ Bucket: this.#bucket, Key: key, ...this.#additional(SSE_CUSTOMER_PARAMETERS) }),
      );
      return { size: head.ContentLength ?? 0, ...(head.LastModified ? { modifiedAt: head.LastModified } : {}) };
    } catch (error) {
      // HEAD has no body, so a missing bucket is a plain 404 here too: the listing that follows tells them apart.
      if (this.isNotFoundError(error)) return { missing: error };
      throw error;
    }
  }

  async #deleteKeys(keys: readonly string[]): Promise<void> {
    const { sdk, client } = await this.#connect();
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const result = await client.send(
        new sdk.DeleteObjectsCommand({
          Bucket: this.#bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new ArtifactStoreError(
          `S3 did not delete ${failed.length} of ${batch.length} objects of artifact store \`${this.path}\` (first: '${first?.Key}', ${first?.Code}: ${first?.Message}). Check that the credentials may delete objects, then try again.`,
        );
      }
    }
  }

  /** Every object below a directory prefix (key and size), page by page. */
  async *#objectsBelow(prefix: string): AsyncGenerator<Array<{ key: string; size: number }>> {
    const { sdk, client } = await this.#connect();
    for await (const page of listPages(sdk, client, { bucket: this.#bucket, prefix })) {
      yield page.objects.flatMap((object) =>
        object.Key === undefined ? [] : [{ key: object.Key, size: object.Size ?? 0 }],
      );
    }
  }

  // ---------------------------------------------------------------- hooks

  protected override async doOpenRead(path: string): Promise<Readable> {
    const key = this.#key(path);
    if (key === "") throw this.#kindError(path, "is the store's root, a directory: open a file below it");
    const [{ sdk, client }, { createS3ReadStream }] = await Promise.all([
      this.#connect(),
      import("./s3-read-stream.js"),
    ]);
    const request = { Bucket: this.#bucket, Key: key, ...this.#additional(SSE_CUSTOMER_PARAMETERS) };
    try {
      const first = await client.send(new sdk.GetObjectCommand(request));
      return createS3ReadStream({
        first,
        reopen: (Range, IfMatch) => client.send(new sdk.GetObjectCommand({ ...request, Range, IfMatch })),
        translate: (error) => this.#streamError("read", path, error),
      });
    } catch (error) {
      if (this.isNotFoundError(error) && (await this.doIsdir(path))) {
        throw this.#kindError(path, "is a directory: open a file below it");
      }
      throw error;
    }
  }

  protected override async doOpenWrite(path: string): Promise<Writable> {
    const key = this.#key(path);
    if (key === "" || (await this.doIsdir(path))) {
      throw this.#kindError(path, "is a directory: write to a file path below it");
    }
    const [{ client, Upload }, { createS3WriteStream }] = await Promise.all([
      this.#connect(),
      // node:stream costs start-up time: it loads with the first write (or read).
      import("./s3-write-stream.js"),
    ]);
    return createS3WriteStream({
      client,
      Upload,
      params: { ...this.#additional(), Bucket: this.#bucket, Key: key },
      translate: (error) => this.#streamError("write", path, error),
    });
  }

  protected override async doExists(path: string): Promise<boolean> {
    const key = this.#key(path);
    if ("size" in (await this.#head(key))) return true;
    return this.doIsdir(path);
  }

  protected override async doIsdir(path: string): Promise<boolean> {
    const { sdk, client } = await this.#connect();
    const key = this.#key(path);
    const request = { bucket: this.#bucket, prefix: directoryPrefix(key), maxKeys: 1 };
    for await (const page of listPages(sdk, client, request)) {
      // The root is a directory even when empty; its listing still says whether the bucket is there.
      return path === this.path || page.objects.length > 0 || page.prefixes.length > 0;
    }
    return path === this.path;
  }

  protected override async doListdir(path: string): Promise<string[]> {
    const { sdk, client } = await this.#connect();
    const key = this.#key(path);
    const prefix = directoryPrefix(key);
    const names = new Set<string>();
    let found = false;
    for await (const page of listPages(sdk, client, { bucket: this.#bucket, prefix, delimiter: "/" })) {
      for (const below of page.prefixes) {
        found = true;
        names.add(below.slice(prefix.length, -1));
      }
      for (const object of page.objects) {
        found = true;
        names.add((object.Key ?? "").slice(prefix.length));
      }
    }
    // "" is a directory marker (`dir/`) that other tools create, or `a//b`'s empty name: no entry.
    names.delete("");
    if (!found && path !== this.path) {
      const head = await this.#head(key);
      if ("size" in head) throw this.#kindError(path, "is a file, not a directory");
      throw this.notFoundError(path, head.missing);
    }
    return [...names];
  }

  protected override async doMakedirs(): Promise<void> {
    // Directories are key prefixes: they appear with the first file below them.
  }

  protected override async doMkdir(): Promise<void> {
    // As doMakedirs.
  }

  protected override async doRemove(path: string): Promise<void> {
    const key = this.#key(path);
    const head = await this.#head(key);
    if (!("size" in head)) {
      if (await this.doIsdir(path)) throw this.#kindError(path, "is a directory: use rmtree() to remove it");
      throw this.notFoundError(path, head.missing);
    }
    const { sdk, client } = await this.#connect();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  /** With `overwrite`, the base class lets an existing destination through: it must not be a directory. */
  async #refuseDirectoryDestination(dst: string, overwrite: boolean): Promise<void> {
    if (overwrite && (await this.doIsdir(dst))) {
      throw this.#kindError(dst, "is a directory: give the destination file's own path");
    }
  }

  protected override async doRename(src: string, dst: string, overwrite: boolean): Promise<void> {
    await this.#refuseDirectoryDestination(dst, overwrite);
    const srcKey = this.#key(src);
    const head = await this.#head(srcKey);
    if ("size" in head) {
      await this.#copyObject(srcKey, this.#key(dst), head.size);
      const { sdk, client } = await this.#connect();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.#bucket, Key: srcKey }));
      return;
    }
    if (!(await this.doIsdir(src))) throw this.notFoundError(src, head.missing);
    // A directory: every object below it, copied then deleted a page at a time.
    const from = directoryPrefix(srcKey);
    const to = directoryPrefix(this.#key(dst));
    if (to.startsWith(from)) throw this.#kindError(dst, `is inside \`${src}\`: a directory cannot move into itself`);
    for await (const objects of this.#objectsBelow(from)) {
      for (let start = 0; start < objects.length; start += COPY_CONCURRENCY) {
        const batch = objects.slice(start, start + COPY_CONCURRENCY);
        await Promise.all(batch.map(({ key, size }) => this.#copyObject(key, to + key.slice(from.length), size)));
      }
      await this.#deleteKeys(objects.map(({ key }) => key));
    }
  }

  protected override async doRmtree(path: string): Promise<void> {
    const key = this.#key(path);
    if ("size" in (await this.#head(key))) {
      throw this.#kindError(path, "is a file, not a directory: use remove() to remove it");
    }
    let removed = 0;
    for await (const objects of this.#objectsBelow(directoryPrefix(key))) {
      await this.#deleteKeys(objects.map((object) => object.key));
      removed += objects.length;
    }
    if (removed === 0 && path !== this.path) {
      throw this.notFoundError(
        path,
        new ArtifactStoreError(`No key of bucket '${this.#bucket}' starts with '${directoryPrefix(key)}'.`),
      );
    }
  }

  protected override async doStat(path: string): Promise<ArtifactStoreStat> {
    const key = this.#key(path);
    const head = await this.#head(key);
    if ("size" in head) return { path, isDirectory: false, ...head };
    if (await this.doIsdir(path)) return { path, size: 0, isDirectory: true };
    throw this.notFoundError(path, head.missing);
  }

  protected override async doCopyfile(src: string, dst: string, overwrite: boolean): Promise<void> {
    await this.#refuseDirectoryDestination(dst, overwrite);
    const srcKey = this.#key(src);
    const head = await this.#head(srcKey);
    if (!("size" in head)) {
      if (await this.doIsdir(src)) throw this.#kindError(src, "is a directory: copy the files below it one by one");
      throw this.notFoundError(src, head.missing);
    }
    await this.#copyObject(srcKey, this.#key(dst), head.size);
  }

  /** A server-side copy with `s3AdditionalKwargs` (multipart beyond CopyObject's 5 GiB). */
  async #copyObject(srcKey: string, dstKey: string, size: number): Promise<void> {
    const { sdk, client } = await this.#connect();
    await copyS3Object({
      sdk,
      client,
      bucket: this.#bucket,
      srcKey,
      dstKey,
      size,
      parameters: this.#additional(),
      sseCustomer: this.#additional(SSE_CUSTOMER_PARAMETERS),
    });
  }

  /** One recursive listing of everything below `top`, yielded as a tree; `dirs` pruning is honoured top-down. */
  protected override async *doWalk(top: string, topdown: boolean): AsyncGenerator<ArtifactStoreWalkEntry> {
    const prefix = directoryPrefix(this.#key(top));
    const tree = new S3KeyTree();
    let found = false;
    for await (const objects of this.#objectsBelow(prefix)) {
      for (const { key } of objects) {
        found = true;
        tree.add(key.slice(prefix.length));
      }
    }
    if (found || top === this.path) yield* tree.walk(top, topdown);
  }
}
