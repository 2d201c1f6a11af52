import { Readable } from "node:stream";
import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";

/** How often a read picks up again after its connection dropped. */
const MAX_RESUMES = 3;

export interface S3ReadStreamOptions {
  /** The GetObject response the read starts with. */
  first: GetObjectCommandOutput;
  /** GetObject again, for `range` (`bytes=N-`) of the same version (`ifMatch`: the first response's ETag). */
  reopen(range: string, ifMatch: string | undefined): Promise<GetObjectCommandOutput>;
  /** Turns a failure into the error the stream reports. */
  translate(error: unknown): Error;
}

/**
 * The object's bytes as they arrive. When the connection drops before the last byte, the read goes on from where it
 * stopped with a ranged GetObject of the same ETag (a changed object fails with 412 rather than mixing versions).
 */
export function createS3ReadStream(options: S3ReadStreamOptions): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let response = options.first;
    const total = response.ContentLength;
    let received = 0;
    for (let resumes = 0; ; resumes++) {
      let dropped: unknown;
      try {
        for await (const chunk of response.Body as Readable) {
          received += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      } catch (error) {
        dropped = error;
      }
      if (total === undefined || received >= total) {
        if (dropped !== undefined) throw options.translate(dropped);
        return;
      }
      if (resumes === MAX_RESUMES) {
        throw options.translate(dropped ?? new Error(`The connection ended after ${received} of ${total} bytes.`));
      }
      try {
        response = await options.reopen(`bytes=${received}-`, options.first.ETag);
      } catch (error) {
        throw options.translate(error);
      }
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
