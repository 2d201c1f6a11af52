// The archive machinery behind BuildContext: the walk, .dockerignore, the tar producer (tar-stream), gzip
// and the sink. BuildContext imports this module on its first files()/writeArchive()/checksum() call, so
// importing @flavorstack/core loads none of it.
import { createHash, type Hash } from "node:crypto";
import { Writable } from "node:stream";
import type { Logger } from "../logger.js";
import { prepareContext, walkContext } from "./context-walk.js";
import type { VirtualDir } from "./extra-files.js";
import { ParallelGzip } from "./parallel-gzip.js";
import { SinkOutput } from "./sink-output.js";
import { PlainTar, type TarEncoder } from "./tar-encoder.js";
import { packContext } from "./tar-producer.js";

/** What a BuildContext archives: its root, ignore file and extra files. */
export interface ContextSource {
  root: string;
  dockerignoreFile: string | undefined;
  extras: VirtualDir;
  logger: Logger;
}

/** Sorted relative paths of the archive's non-directory entries (files and symlinks). */
export async function listContextFiles(source: ContextSource): Promise<string[]> {
  const prepared = await prepareContext(source.root, source.dockerignoreFile);
  const files: string[] = [];
  for (const entry of walkContext(prepared, source.extras, source.logger)) {
    if (entry.kind !== "directory") files.push(entry.path);
  }
  return files;
}

/** Writes the archive to `sink` and ends it; the caller destroys the sink if this fails. */
export async function writeContextArchive(
  source: ContextSource,
  sink: Writable,
  options: { gzip: boolean; level: number; hashTar: boolean },
): Promise<{ bytes: number; sha256: string; tarSha256?: string }> {
  const output = new SinkOutput(sink);
  const prepared = await prepareContext(source.root, source.dockerignoreFile);
  const tarHash = options.gzip && options.hashTar ? createHash("sha256") : undefined;
  const gzip = options.gzip ? new ParallelGzip(output, { level: options.level }) : undefined;
  const encoder: TarEncoder = gzip ? (tarHash ? hashingEncoder(gzip, tarHash) : gzip) : new PlainTar(output);
  await packContext(
    {
      root: prepared.root,
      entries: walkContext(prepared, source.extras, source.logger),
      hasDockerignore: prepared.hasDockerignore,
      logger: source.logger,
    },
    encoder,
  );
  await encoder.end();
  await output.finish();
  const sha256 = output.hash.digest("hex");
  if (!options.gzip) return { bytes: output.bytes, sha256, tarSha256: sha256 };
  return { bytes: output.bytes, sha256, ...(tarHash ? { tarSha256: tarHash.digest("hex") } : {}) };
}

/** `encoder`, with every tar chunk also fed to `hash` (before the encoder may copy or recycle it). */
function hashingEncoder(encoder: TarEncoder, hash: Hash): TarEncoder {
  return {
    copies: encoder.copies,
    get ready() {
      return encoder.ready;
    },
    whenReady: () => encoder.whenReady(),
    write(chunk) {
      hash.update(chunk);
      encoder.write(chunk);
    },
    end: () => encoder.end(),
  };
}

/** A sink that drops what it is given: checksum() hashes the archive without keeping it. */
export function discardingSink(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}
