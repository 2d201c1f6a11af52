import path from "node:path";
import { StoreError } from "./store-error.js";

/** Where a store lives: an SQLite file on this machine, or a PostgreSQL database. */
export type StoreLocation =
  | { dialect: "sqlite"; file: string; display: string }
  | { dialect: "postgres"; connectionString: string; display: string };

export const STORE_URL_ENV = "FLAVORSTACK_STORE_URL";
export const HOME_ENV = "FLAVORSTACK_HOME";
/** The embedded store's folder in the working directory, when `FLAVORSTACK_HOME` is not set. */
export const LOCAL_STORE_DIR = ".flavorstack";
export const SQLITE_FILE_NAME = "store.db";

export interface StoreLocationOptions {
  /** `sqlite:PATH`, `postgres://…` / `postgresql://…`, or a path to an SQLite file. */
  url?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The store to open: `url`, else `FLAVORSTACK_STORE_URL`, else the SQLite file
 * `$FLAVORSTACK_HOME/store.db`, else `<cwd>/.flavorstack/store.db`.
 */
export function resolveStoreLocation(options: StoreLocationOptions = {}): StoreLocation {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const url = options.url ?? nonEmpty(env[STORE_URL_ENV]);
  if (url === undefined) {
    const home = nonEmpty(env[HOME_ENV]);
    const file = home ? path.resolve(cwd, home, SQLITE_FILE_NAME) : path.join(cwd, LOCAL_STORE_DIR, SQLITE_FILE_NAME);
    return { dialect: "sqlite", file, display: file };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new StoreError(
        `The store URL '${redactStoreUrl(url)}' is not a valid PostgreSQL URL: write it as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.`,
      );
    }
    return { dialect: "postgres", connectionString: url, display: redactStoreUrl(parsed.href) };
  }
  if (/^sqlite:/i.test(url)) {
    const file = url.replace(/^sqlite:(\/\/)?/i, "");
    if (file === "")
      throw new StoreError("The store URL 'sqlite:' names no file: write sqlite:PATH, e.g. sqlite:./store.db.");
    const resolved = path.resolve(cwd, file);
    return { dialect: "sqlite", file: resolved, display: resolved };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new StoreError(
      `Cannot open the store URL '${redactStoreUrl(url)}': only sqlite:PATH (a file on this machine) and postgres://… (a shared PostgreSQL database) are supported. Set ${STORE_URL_ENV} or --store to one of them.`,
    );
  }
  const resolved = path.resolve(cwd, url);
  return { dialect: "sqlite", file: resolved, display: resolved };
}

/** The URL with its password replaced, for messages and logs. */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
