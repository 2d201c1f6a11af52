import { Writable } from "node:stream";
import type { File } from "@google-cloud/storage";

/** How long a destroyed write waits for its session URI (to cancel the session) when the upload was still starting. */
const SESSION_URI_WAIT_MS = 5_000;

/**
 * A write stream to `file`: one resumable upload session, validated with CRC32C, whose object appears only when the
 * stream finishes. Destroyed or failed before that, it cancels the session (DELETE on its URI), so nothing is left
 * on the server, neither an object nor an open session.
 *
 * The data goes in one streamed request (no `chunkSize`): chunked resumable uploads fail on the storage emulator,
 * and a single request works on both, with the SDK's backpressure bounding memory.
 */
export function createGcsWriteStream(file: File): Writable {
  const upload = file.createWriteStream({
    resumable: true,
    validation: "crc32c",
    metadata: { contentType: "application/octet-stream" },
  });
  let sessionUri: string | undefined;
  let finished = false;
  upload.on("uri", (uri: string) => {
    sessionUri = uri;
  });

  const waitForSessionUri = () =>
    new Promise<string | undefined>((resolve) => {
      if (sessionUri !== undefined) return resolve(sessionUri);
      const timer = setTimeout(() => resolve(undefined), SESSION_URI_WAIT_MS);
      upload.once("uri", (uri: string) => {
        clearTimeout(timer);
        resolve(uri);
      });
      upload.once("close", () => {
        clearTimeout(timer);
        resolve(sessionUri);
      });
    });

  let started = false;
  const stream = new Writable({
    write(chunk: Buffer, encoding, callback) {
      started = true;
      upload.write(chunk, encoding, callback);
    },
    final(callback) {
      started = true;
      upload.once("finish", () => {
        finished = true;
        callback();
      });
      upload.end();
    },
    destroy(error, callback) {
      if (finished || !started) {
        upload.destroy();
        callback(error);
        return;
      }
      upload.destroy();
      void waitForSessionUri()
        .then((uri) => (uri === undefined ? undefined : cancelSession(uri)))
        .finally(() => callback(error));
    },
  });
  // A failure between writes (the session's start, the upload request) fails the stream, which cancels the session.
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
