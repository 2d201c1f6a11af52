/** Read buffers are carved from recycled arenas of this size. */
const ARENA_SIZE = 1024 * 1024;
const FREE_ARENAS = 8;

interface Arena {
  buffer: Buffer;
  carved: number;
  consumed: number;
  retired: boolean;
}

/**
 * Read buffers carved from 1 MiB arenas that are reused once the encoder has
 * copied every byte carved from them (it copies in tar-stream's 'data'
 * handler, which calls {@link release}): file data then makes no garbage,
 * which keeps the process's memory flat whatever the context's size. A chunk
 * that is never released (copied or split by the tar stream) only means its
 * arena is left to the garbage collector. Disabled when the encoder keeps
 * references to its input (plain tar).
 */
export class ReadArenas {
  readonly #byBuffer = new Map<ArrayBufferLike, Arena>();
  readonly #free: Arena[] = [];
  #current: Arena | undefined;

  readonly #enabled: boolean;

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  take(size: number): Buffer {
    if (!this.#enabled || size > ARENA_SIZE || size === 0) return Buffer.allocUnsafe(size);
    let arena = this.#current;
    if (arena === undefined || arena.carved + size > ARENA_SIZE) {
      if (arena) {
        arena.retired = true;
        this.#recycle(arena);
      }
      arena = this.#free.pop() ?? this.#create();
      this.#current = arena;
    }
    const chunk = arena.buffer.subarray(arena.carved, arena.carved + size);
    arena.carved += size;
    return chunk;
  }

  release(chunk: Uint8Array): void {
    const arena = this.#byBuffer.get(chunk.buffer);
    if (arena === undefined) return;
    arena.consumed += chunk.byteLength;
    this.#recycle(arena);
  }

  #create(): Arena {
    const arena: Arena = {
      buffer: Buffer.allocUnsafe(ARENA_SIZE),
      carved: 0,
      consumed: 0,
      retired: false,
    };
    this.#byBuffer.set(arena.buffer.buffer, arena);
    return arena;
  }

  #recycle(arena: Arena): void {
    if (!arena.retired || arena.consumed < arena.carved) return;
    if (this.#free.length < FREE_ARENAS) {
      arena.carved = 0;
      arena.consumed = 0;
      arena.retired = false;
      this.#free.push(arena);
    } else {
      this.#byBuffer.delete(arena.buffer.buffer);
    }
  }
}
