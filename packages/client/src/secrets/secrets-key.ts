import { link, mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { errorMessage } from "@flavorstack/core/errors";
import { StoreError } from "../store/store-error.js";
import { HOME_ENV, type StoreLocation } from "../store/store-location.js";

export const SECRETS_KEY_ENV = "FLAVORSTACK_SECRETS_KEY";
export const SECRETS_KEY_FILE_NAME = "secrets.key";
/** AES-256: 32 bytes. */
const KEY_LENGTH = 32;
const HOW_TO_MAKE_A_KEY = "make one with `openssl rand -base64 32`";
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The AES-256 key the store's secrets are encrypted with. Never printed: not by `String()`, JSON or `util.inspect`. */
export class SecretsKey {
  readonly #bytes: Buffer;
  /** Where the key came from, for messages: `FLAVORSTACK_SECRETS_KEY` or the key file's path. */
  readonly origin: string;

  constructor(bytes: Buffer, origin: string) {
    if (bytes.length !== KEY_LENGTH) {
      throw new StoreError(`A secrets key is ${KEY_LENGTH} bytes, not ${bytes.length}: ${HOW_TO_MAKE_A_KEY}.`);
    }
    this.#bytes = Buffer.from(bytes);
    this.origin = origin;
  }

  /** The key's bytes, for node:crypto only. */
  bytes(): Buffer {
    return this.#bytes;
  }

  toString(): string {
    return `[SecretsKey from ${this.origin}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

export interface SecretsKeyOptions {
  location: StoreLocation;
  /** Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** What a relative `FLAVORSTACK_HOME` is relative to (default: `process.cwd()`), as for the store itself. */
  cwd?: string;
  /** The user's home directory (default: `os.homedir()`), for the key file of a PostgreSQL store. */
  homeDir?: string;
}

/** Finds the secrets key of a store: `FLAVORSTACK_SECRETS_KEY`, else the store's key file. */
export interface SecretsKeySource {
  /** `FLAVORSTACK_SECRETS_KEY`, or the key file's path: for messages. */
  readonly origin: string;
  /**
   * The key. With `create`, a missing key file is created (mode 0600) with a new random key;
   * without, a missing key file is `undefined`.
   */
  load(options: { create: boolean }): Promise<SecretsKey | undefined>;
}

/**
 * Where a store's key file is: `secrets.key` beside an SQLite store's file; for a PostgreSQL store,
 * `$FLAVORSTACK_HOME/secrets.key` or `~/.config/flavorstack/secrets.key`.
 */
export function secretsKeyFilePath(options: SecretsKeyOptions): string {
  const { location } = options;
  if (location.dialect === "sqlite") return path.join(path.dirname(location.file), SECRETS_KEY_FILE_NAME);
  const home = (options.env ?? process.env)[HOME_ENV];
  if (home) return path.resolve(options.cwd ?? process.cwd(), home, SECRETS_KEY_FILE_NAME);
  return path.join(options.homeDir ?? homedir(), ".config", "flavorstack", SECRETS_KEY_FILE_NAME);
}

export function createSecretsKeySource(options: SecretsKeyOptions): SecretsKeySource {
  const fromEnv = (options.env ?? process.env)[SECRETS_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    const key = parseEnvKey(fromEnv);
    return { origin: SECRETS_KEY_ENV, load: async () => key };
  }
  const file = secretsKeyFilePath(options);
  let key: SecretsKey | undefined;
  return {
    origin: file,
    load: async ({ create }) => {
      key ??= await readKeyFile(file, create);
      return key;
    },
  };
}

function parseEnvKey(value: string): SecretsKey {
  const text = value.trim();
  const bytes = BASE64.test(text) ? Buffer.from(text, "base64") : undefined;
  if (bytes?.length !== KEY_LENGTH) {
    const what = bytes ? `decodes to ${bytes.length} bytes` : "is not base64";
    throw new StoreError(
      `${SECRETS_KEY_ENV} ${what}; it must be the base64 of ${KEY_LENGTH} random bytes: ${HOW_TO_MAKE_A_KEY}, or unset it to use the store's key file.`,
    );
  }
  return new SecretsKey(bytes, SECRETS_KEY_ENV);
}

async function readKeyFile(file: string, create: boolean): Promise<SecretsKey | undefined> {
  let text: string;
  try {
    await checkKeyFileMode(file);
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw keyFileError(file, error);
    if (!create) return undefined;
    return createKeyFile(file);
  }
  const trimmed = text.trim();
  const bytes = BASE64.test(trimmed) ? Buffer.from(trimmed, "base64") : undefined;
  if (bytes?.length !== KEY_LENGTH) {
    throw new StoreError(
      `The secrets key file ${file} does not hold a key (the base64 of ${KEY_LENGTH} bytes): put the key used before back into it, or set ${SECRETS_KEY_ENV} to it.`,
    );
  }
  return new SecretsKey(bytes, file);
}

async function checkKeyFileMode(file: string): Promise<void> {
  const stats = await stat(file);
  if (!stats.isFile()) {
    throw new StoreError(
      `The secrets key file ${file} is not a file: remove what is there, or set ${SECRETS_KEY_ENV}.`,
    );
  }
  if (process.platform !== "win32" && (stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, "0");
    throw new StoreError(
      `The secrets key file ${file} has mode ${mode}: others may read it. Make it readable by you only (chmod 600 '${file}'), and consider the key exposed.`,
    );
  }
}

/** Writes a new key to a temp file, then links it into place: a concurrent creator's key wins, never half a file. */
async function createKeyFile(file: string): Promise<SecretsKey> {
  const { randomBytes, randomUUID } = await import("node:crypto");
  const temp = `${file}.${randomUUID()}.tmp`;
  const bytes = randomBytes(KEY_LENGTH);
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${bytes.toString("base64")}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw keyFileError(file, error);
    // Another process created it first: its key is the store's.
    const winner = await readKeyFile(file, false);
    if (winner) return winner;
    throw keyFileError(file, error);
  } finally {
    await unlink(temp).catch(() => {});
  }
  return new SecretsKey(bytes, file);
}

function keyFileError(file: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  return new StoreError(
    `Cannot use the secrets key file ${file}: ${errorMessage(error)}. Fix its permissions, or set ${SECRETS_KEY_ENV}.`,
    { cause: error },
  );
}
