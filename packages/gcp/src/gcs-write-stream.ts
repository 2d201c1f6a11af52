import { Writable } from "node:stream";
import type { File } from "@google-cloud/storage";

const CONTENT_TYPE = "application/octet-stream";

/**
 * A write stream to `file`: one resumable upload session, validated with CRC32C, whose object appears only when the
 * stream finishes. Destroyed or failed before that, it cancels the session (DELETE on its URI), so nothing is left
 * on the server, neither an object nor an open session.
 *
 * The session is opened here, with `createResumableUpload`, rather than by the write stream: in
 * @google-cloud/storage 7.22 only the former sends credentials to a custom `apiEndpoint` (`useAuthWithCustomEndpoint`
 * does not reach the write stream's own session request). `offset: 0` says the session is fresh, so the stream does
 * not query its offset first (a query the storage emulator would take for the final request). The data then goes in
 * one streamed request (no `chunkSize`): chunked resumable uploads fail on the emulator, one request works on both,
 * and the SDK's backpressure bounds memory.
 */
export async function createGcsWriteStream(file: File): Promise<Writable> {
  const [sessionUri] = await file.createResumableUpload({ metadata: { contentType: CONTENT_TYPE } });
  const upload = file.createWriteStream({
    resumable: true,
    uri: sessionUri,
    offset: 0,
    validation: "crc32c",
    metadata: { contentType: CONTENT_TYPE },
  });
  let finished = false;
  const stream = new Writable({
    write(chunk: Buffer, encoding, callback) {
      upload.write(chunk, encoding, callback);
    },
    final(callback) {
      upload.once("finish", () => {
        finished = true;
        callback();
      });
      upload.end();
    },
    destroy(error, callback) {
      upload.destroy();
      if (finished) callback(error);
      else void cancelSession(sessionUri).finally(() => callback(error));
    },
  });
  // A failure between writes (the upload request) fails the stream, which cancels the session.
  upload.on("error", (error) => stream.destroy(error));
  return stream;
}

/** Cancels a resumable session: GCS answers 499 and forgets it. The session URI is its own credential. */
async function cancelSession(uri: string): Promise<void> {
  try {
    const response = await fetch(uri, { method: "DELETE", headers: { "content-length": "0" } });
    await response.body?.cancel();
  } catch {
    // Unreachable now: an unfinished session expires on its own after a week and never becomes an object.
  }
}
