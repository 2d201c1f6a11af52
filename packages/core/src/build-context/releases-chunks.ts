/**
 * Marks a Writable that is done with a chunk's memory when it calls a write back (it copied the bytes, or they left
 * the process): `writeArchive` then reuses that memory for later output instead of allocating more. Set it on a sink
 * of your own only when that holds: `sink[RELEASES_CHUNKS] = true`. Files and sockets need no mark.
 */
export const RELEASES_CHUNKS: unique symbol = Symbol.for("flavorstack.writable.releasesChunks") as never;
