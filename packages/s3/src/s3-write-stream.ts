import { PassThrough, Writable } from "node:stream";
import type { PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import type { S3Upload } from "./s3-client.js";

/**
 * Bytes per multipart part: S3's minimum, as in s3fs (ZenML's S3 filesystem), so 10,000 parts make objects of up to
 * 48.8 GiB. lib-storage joins the chunks of each part into a new Buffer, which lives until its request is answered:
 * long enough for V8 to tenure it, so those copies are freed only by a full GC, which V8 starts when about 64 MB of
 * such memory has piled up. What a write holds for certain is (queue + 1) parts: the smaller the part, the less.
 */
export const S3_PART_SIZE = 5 * 1024 * 1024;
/**
 * Parts uploaded at once. Measured on the local Swift (on a loaded machine): 1 is slower, as each part waits for the
 * previous answer; 3 or 4 are no faster than 2 and hold more.
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
  // lib-storage reads the body with an async iterator. In byte mode, each read() joins the chunks buffered so far into
  // a new Buffer: a copy of every byte before lib-storage's own. In object mode the written Buffers pass as they are,
  // and a read-ahead of one chunk keeps the backpressure as tight as in byte mode.
  const body = new PassThrough({ readableObjectMode: true, readableHighWaterMark: 1 });
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
