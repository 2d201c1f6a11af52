// The "./build-context" entry point: the build context and its archive alone, for a process that only packs
// a context (a CI step, a checksum for build reuse, the archive benchmark) and should not load the flavors
// and zod that "." defines at import (about 105 ms and 19 MiB on Node 24).

export { BuildContextError, FlavorstackError } from "../errors.js";
export type { Logger } from "../logger.js";
export { consoleLogger, silentLogger } from "../logger.js";
export type { ArchiveOptions, ArchiveResult, BuildContextOptions } from "./build-context.js";
export { BuildContext, DEFAULT_COMPRESSION_LEVEL } from "./build-context.js";
export type { ContextDigest } from "./context-digest.js";
export { RELEASES_CHUNKS } from "./releases-chunks.js";
