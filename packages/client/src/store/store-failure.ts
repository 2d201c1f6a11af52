import { errorMessage, FlavorstackError } from "@flavorstack/core/errors";
import { StoreError } from "./store-error.js";
import type { StoreLocation } from "./store-location.js";

/** The driver's error code: better-sqlite3's `SQLITE_*`, pg's SQLSTATE, or Node's `E*`. */
export function databaseErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A unique or primary-key constraint refused an insert: another process made the same name first. */
export function isUniqueViolation(error: unknown): boolean {
  const code = databaseErrorCode(error);
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/**
 * A flavorstack error as it is; anything else (a driver or file-system error) as a `StoreError` that names the
 * store and says what to do. The store's password never appears: the display form has none, and the cause's
 * message is cleaned of it too.
 */
export function storeFailure(location: StoreLocation, error: unknown, doing = "use"): FlavorstackError {
  if (FlavorstackError.isInstance(error)) return error;
  const code = databaseErrorCode(error);
  const cause = withoutPassword(location, errorMessage(error));
  const where = `the store ${location.display}`;
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new StoreError(
      `Cannot ${doing} ${where}: the file is not an SQLite database or is damaged (${cause}). Move it away (a new, empty store is made on the next run) or point FLAVORSTACK_STORE_URL / --store at another store.`,
      { cause: error },
    );
  }
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new StoreError(
      `Cannot ${doing} ${where}: another process has held its write lock for too long (${cause}). Try again.`,
      { cause: error },
    );
  }
  if (
    code === "SQLITE_CANTOPEN" ||
    code === "SQLITE_READONLY" ||
    code?.startsWith("SQLITE_IOERR") ||
    code?.startsWith("SQLITE_READONLY") ||
    code === "EACCES" ||
    code === "EPERM" ||
    code === "EROFS"
  ) {
    return new StoreError(
      `Cannot ${doing} ${where}: it cannot be opened for reading and writing (${cause}). Check that you may write to the file and its folder, or point FLAVORSTACK_STORE_URL / --store at another store.`,
      { cause: error },
    );
  }
  if (location.dialect === "postgres") {
    return new StoreError(
      `Cannot ${doing} ${where}: ${cause}. Check that the PostgreSQL server runs and accepts connections, and that the URL's user, password and database are right.`,
      { cause: error },
    );
  }
  return new StoreError(`Cannot ${doing} ${where}: ${cause}.`, { cause: error });
}

function withoutPassword(location: StoreLocation, message: string): string {
  if (location.dialect !== "postgres") return message;
  const password = decodeURIComponent(new URL(location.connectionString).password);
  return password === "" ? message : message.split(password).join("***");
}
