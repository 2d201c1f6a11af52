// The archive machinery behind BuildContext: the walk, .dockerignore, the tar producer (tar-stream), gzip
// and the sink. BuildContext imports this module on its first files()/writeArchive() call, so
// importing @flavorstack/core loads none of it.
import type { Writable } from "node:stream";
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
  options: { gzip: boolean; level: number; onProgress?: ((bytes: number) => void) | undefined },
): Promise<{ bytes: number; sha256: string }> {
  const output = new SinkOutput(sink, options.onProgress);
  const prepared = await prepareContext(source.root, source.dockerignoreFile);
  const encoder: TarEncoder = options.gzip ? new ParallelGzip(output, { level: options.level }) : new PlainTar(output);
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
  return { bytes: output.bytes, sha256: output.hash.digest("hex") };
}
