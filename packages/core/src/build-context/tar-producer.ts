import { closeSync, constants as fsConstants, fstatSync, openSync, readlinkSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import tar from "tar-stream";
import { BuildContextError } from "../errors.js";
import type { Logger } from "../logger.js";
import { type Entry, readError } from "./context-walk.js";
import { ReadArenas } from "./read-arenas.js";
import type { TarEncoder } from "./tar-encoder.js";

type TarHeader = Parameters<tar.Pack["entry"]>[0];
type TarEntrySink = ReturnType<tar.Pack["entry"]>;

const WARN_SIZE = 50 * 1024 * 1024;
const SMALL_FILE = 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
/** Entries handed to tar-stream before waiting for it (bounds what it holds). */
const BATCH_ENTRIES = 64;
const BATCH_BYTES = 1024 * 1024;
const EPOCH = new Date(0);
const OPEN_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK;

/** What the producer archives: the walked entries, and what the size warning needs. */
export interface ContextToPack {
  root: string;
  entries: Iterable<Entry>;
  hasDockerignore: boolean;
  logger: Logger;
}

/** Reads the entries and feeds them to tar-stream; resolves when the whole tar went into `encoder`. */
export async function packContext(context: ContextToPack, encoder: TarEncoder): Promise<void> {
  const pack = tar.pack();
  const buffers = new ReadArenas(encoder.copies);
  const consumed = new Promise<void>((resolve, reject) => {
    pack.on("data", (data: unknown) => {
      const chunk = data as Uint8Array;
      try {
        encoder.write(chunk);
        buffers.release(chunk);
      } catch (error) {
        pack.destroy(error as Error);
        return;
      }
      if (!encoder.ready) {
        pack.pause();
        encoder.whenReady().then(
          () => pack.resume(),
          (error: unknown) => pack.destroy(error as Error),
        );
      }
    });
    pack.on("end", () => resolve());
    pack.on("error", reject);
    pack.on("close", () => reject(new BuildContextError("The tar stream closed early.")));
  });
  // a rejection is handled below; this keeps it from being reported as unhandled meanwhile
  consumed.catch(() => {});

  try {
    await produce(context, pack, buffers);
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
    await consumed.catch(() => {});
    throw error;
  }
  await consumed;
}

async function produce(context: ContextToPack, pack: tar.Pack, buffers: ReadArenas): Promise<void> {
  let entryError: unknown;
  const onEntry = (error?: Error | null): void => {
    if (error && entryError === undefined) entryError = error;
  };
  let batchEntries = 0;
  let batchBytes = 0;
  let total = 0;
  // tar-stream destroys every queued entry with the pack's error; the error
  // reaches us through the entry callbacks, so the entries' own 'error'
  // events are silenced (an EventEmitter without listener would throw).
  const packEntry = (header: TarHeader, data: Buffer | undefined, callback: (error?: Error | null) => void) => {
    const sink = data ? pack.entry(header, data, callback) : pack.entry(header, callback);
    sink.on("error", noop);
    return sink;
  };
  const add = async (header: TarHeader, data?: Buffer): Promise<void> => {
    batchEntries++;
    batchBytes += 512 + (data?.length ?? 0);
    if (batchEntries >= BATCH_ENTRIES || batchBytes >= BATCH_BYTES) {
      batchEntries = 0;
      batchBytes = 0;
      await new Promise<void>((resolve) =>
        packEntry(header, data, (error) => {
          onEntry(error);
          resolve();
        }),
      );
    } else {
      packEntry(header, data, onEntry);
    }
    if (entryError !== undefined) throw entryError;
  };

  for (const entry of context.entries) {
    switch (entry.kind) {
      case "directory":
        await add(header(`${entry.path}/`, "directory", 0o755, 0));
        break;
      case "extra":
        total += entry.data.length;
        await add(header(entry.path, "file", 0o644, entry.data.length), entry.data);
        break;
      case "symlink": {
        let target: string;
        try {
          target = readlinkSync(entry.absPath);
        } catch (cause) {
          throw readError(entry.path, entry.absPath, cause);
        }
        await add({
          ...header(entry.path, "symlink", 0o777, 0),
          linkname: target,
        });
        break;
      }
      case "file":
        total += await addFile(entry.path, entry.absPath, buffers, add, (header, callback) =>
          packEntry(header, undefined, callback),
        );
        if (entryError !== undefined) throw entryError;
        break;
    }
  }
  if (!context.hasDockerignore && total > WARN_SIZE) {
    context.logger.warn(
      `The build context '${context.root}' is ${(total / 1024 / 1024).toFixed(1)} MiB and has no .dockerignore: everything under it is sent to the image builder. Add a .dockerignore that excludes what the image does not need (data, virtualenvs, .git, build outputs).`,
    );
  }
}

/** Adds one regular file; returns its size. Small files are read whole, large ones streamed. */
async function addFile(
  rel: string,
  abs: string,
  buffers: ReadArenas,
  add: (header: TarHeader, data?: Buffer) => Promise<void>,
  stream: (header: TarHeader, callback: (error?: Error | null) => void) => TarEntrySink,
): Promise<number> {
  let fd = -1;
  let size = 0;
  let mode = 0o644;
  let data: Buffer | undefined;
  try {
    fd = openSync(abs, OPEN_FLAGS);
    const st = fstatSync(fd);
    if (!st.isFile()) throw new BuildContextError(`'${rel}' in the build context changed while it was archived.`);
    size = st.size;
    mode = st.mode & 0o111 ? 0o755 : 0o644;
    if (size <= SMALL_FILE) {
      data = buffers.take(size);
      let read = 0;
      while (read < size) {
        const n = readSync(fd, data, read, size - read, read);
        if (n === 0) throw shrunk(rel, abs);
        read += n;
      }
    }
  } catch (cause) {
    throw cause instanceof BuildContextError ? cause : readError(rel, abs, cause);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  if (data) {
    await add(header(rel, "file", mode, size), data);
    return size;
  }

  // Large file: streamed in chunks into tar-stream's entry writable.
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(abs, OPEN_FLAGS);
  } catch (cause) {
    throw readError(rel, abs, cause);
  }
  try {
    let entrySink: TarEntrySink | undefined;
    const entryDone = new Promise<void>((resolve, reject) => {
      entrySink = stream(header(rel, "file", mode, size), (error) => (error ? reject(error) : resolve()));
    });
    entryDone.catch(noop);
    const sink = entrySink as TarEntrySink;
    try {
      let position = 0;
      while (position < size) {
        const chunk = buffers.take(Math.min(READ_CHUNK, size - position));
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(chunk, 0, chunk.length, position));
        } catch (cause) {
          throw readError(rel, abs, cause);
        }
        if (bytesRead === 0) throw shrunk(rel, abs);
        position += bytesRead;
        if (!sink.write(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead))) {
          await Promise.race([drained(sink), entryDone]);
        }
      }
      sink.end(null);
    } catch (error) {
      sink.destroy(error as Error);
      throw error;
    }
    await entryDone;
  } finally {
    await handle.close();
  }
  return size;
}

function header(name: string, type: "file" | "directory" | "symlink", mode: number, size: number): TarHeader {
  return {
    name,
    type,
    mode,
    size,
    mtime: EPOCH,
    uid: 0,
    gid: 0,
    uname: "",
    gname: "",
  };
}

function noop(): void {}

function drained(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off("drain", onDrain);
      stream.off("error", onError);
      stream.off("close", onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new BuildContextError("The tar stream closed early."));
    };
    stream.on("drain", onDrain);
    stream.on("error", onError);
    stream.on("close", onClose);
  });
}

function shrunk(rel: string, abs: string): BuildContextError {
  return new BuildContextError(
    `'${rel}' of the build context ('${abs}') got shorter while it was archived. Do not modify the context during a build.`,
  );
}
