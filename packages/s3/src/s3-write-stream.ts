import { PassThrough, Writable } from "node:stream";
import type { PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import type { S3Upload } from "./s3-client.js";

/** Bytes per multipart part (S3's minimum is 5 MiB; 10,000 parts make objects of up to 78 GiB). */
export const S3_PART_SIZE = 8 * 1024 * 1024;
/**
 * Parts uploaded at once. With the part being filled, about (QUEUE + 1) × PART bytes are held; the copies lib-storage
 * makes are garbage that V8 collects lazily, which is most of a write's RSS (measured: +50 to +100 MiB for 100 MiB
 * with 2; a queue of 4 added about 15 MiB and no speed on the local Swift).
 */
const S3_QUEUE_SIZE = 2;

export interface S3WriteStreamOptions {
  client: S3Client;
  Upload: S3Upload;
  params: PutObjectCommandInput;
  /** Turns a failure of the upload into the error the stream reports. */
  translate(error: unknown): Error;
}

/**
 * A Writable that streams into lib-storage's `Upload`: one PutObject for a small file, a multipart upload otherwise.
 * The object appears only when the stream has finished. Destroyed or failed, the body is cut off, lib-storage aborts
 * the multipart upload (no parts are left on the server), and `close` comes only after that.
 */
export function createS3WriteStream(options: S3WriteStreamOptions): Writable {
  const body = new PassThrough();
  const upload = new options.Upload({
    client: options.client,
    params: { ...options.params, Body: body },
    partSize: S3_PART_SIZE,
    queueSize: S3_QUEUE_SIZE,
    leavePartsOnError: false,
  });
  let failure: Error | undefined;
  const done = upload.done().then(
    () => undefined,
    (error: unknown) => {
      failure = options.translate(error);
    },
  );
  let finishing = false;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (body.write(chunk)) callback();
      else body.once("drain", () => callback());
    },
    final(callback) {
      finishing = true;
      body.end();
      void done.then(() => callback(failure));
    },
    destroy(error, callback) {
      if (!body.destroyed) body.destroy(error ?? new Error("The write stream was destroyed before it finished."));
      void done.then(() => callback(error ?? null));
    },
  });
  // A failed upload stops reading its body: report it at once rather than waiting for a drain that never comes.
  void done.then(() => {
    if (failure !== undefined && !finishing) stream.destroy(failure);
  });
  return stream;
}
