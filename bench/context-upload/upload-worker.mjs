// @ts-check
// One measured process of the context-upload benchmark: it does one thing, then prints a JSON line. Plain JS
// on purpose, as bench/context-archive/archive-worker.mjs: no TypeScript loader in the process whose wall time
// and peak RSS are measured.
//
//   node upload-worker.mjs stream <root> <store.json>         uploadBuildContext: checksum, exists, archive → multipart
//   node upload-worker.mjs archive-file <root> <file>         writeArchive into a file (the first half of ZenML's way)
//   node upload-worker.mjs upload-file <file> <store.json> <key>  that file into the store (the second half; raw upload)
//   node upload-worker.mjs devnull <root>                      writeArchive into /dev/null
//
// store.json: the s3 artifact store's config (path, key, secret, clientKwargs, forcePathStyle).
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";

const [mode, ...args] = process.argv.slice(2);
const started = performance.now();

/** @param {string} file */
async function openStore(file) {
  const { S3ArtifactStoreFlavor } = await import("@flavorstack/s3");
  return S3ArtifactStoreFlavor.createComponent({ name: "bench", config: JSON.parse(readFileSync(file, "utf8")) });
}

/** @param {string} root */
async function context(root) {
  const { BuildContext, silentLogger } = await import("@flavorstack/core/build-context");
  return new BuildContext({ root, logger: silentLogger });
}

/** @type {Record<string, () => Promise<Record<string, unknown>>>} */
const modes = {
  async stream() {
    const [root, storeFile] = /** @type {[string, string]} */ (args);
    const { ImageBuilder } = await import("@flavorstack/core/plugin");
    // uploadBuildContext is the base class's: a builder that only uploads.
    class UploadingBuilder extends ImageBuilder {
      get isBuildingLocally() {
        return false;
      }
      /** @returns {Promise<never>} */
      async build() {
        throw new Error("not a builder");
      }
    }
    const builder = new UploadingBuilder({ id: "bench", name: "bench", flavor: "bench", config: {} });
    const [buildContext, store] = await Promise.all([context(root), openStore(storeFile)]);
    const uploadStarted = performance.now();
    const uploaded = await builder.uploadBuildContext(buildContext, "kaniko-build-contexts", store);
    return { ...uploaded, uploadMs: performance.now() - uploadStarted };
  },
  async "archive-file"() {
    const [root, file] = /** @type {[string, string]} */ (args);
    return { ...(await (await context(root)).writeArchive(createWriteStream(file))) };
  },
  async "upload-file"() {
    const [file, storeFile, key] = /** @type {[string, string, string]} */ (args);
    const store = await openStore(storeFile);
    await pipeline(createReadStream(file), await store.openWrite(key));
    return { key };
  },
  async devnull() {
    const [root] = /** @type {[string]} */ (args);
    return { ...(await (await context(root)).writeArchive(createWriteStream("/dev/null"))) };
  },
};

const run = mode === undefined ? undefined : modes[mode];
if (!run) {
  console.error(`usage: upload-worker.mjs ${Object.keys(modes).join("|")} ...`);
  process.exit(2);
}
const result = await run();
console.log(JSON.stringify({ ...result, inProcessMs: performance.now() - started }));
