import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Kysely } from "kysely";
import { storeFailure } from "./store-failure.js";
import type { StoreLocation } from "./store-location.js";
import type { StoreSchema } from "./store-schema.js";

/** How long an SQLite write waits for another process's write lock before it fails. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** How long connecting to PostgreSQL may take before the open fails. */
const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens the store's database (SQLite through better-sqlite3, or a PostgreSQL pool through pg; each driver is loaded
 * only for its dialect) and checks that it answers. Nothing is written. A failure is a `StoreError` naming the store.
 */
export async function openStoreDatabase(location: StoreLocation): Promise<Kysely<StoreSchema>> {
  try {
    return location.dialect === "sqlite"
      ? await openSqlite(location.file)
      : await openPostgres(location.connectionString);
  } catch (error) {
    throw storeFailure(location, error, "open");
  }
}

async function openSqlite(file: string): Promise<Kysely<StoreSchema>> {
  await mkdir(path.dirname(file), { recursive: true });
  const [{ Kysely }, { ImmediateSqliteDialect }, { default: Database }] = await Promise.all([
    import("kysely"),
    import("./immediate-sqlite-dialect.js"),
    import("better-sqlite3"),
  ]);
  const database = new Database(file);
  try {
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    // WAL lets readers go on while one process writes; the mode is kept in the file, so it is set once.
    if (database.pragma("journal_mode", { simple: true }) !== "wal") database.pragma("journal_mode = WAL");
    database.pragma("foreign_keys = ON");
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<StoreSchema>({ dialect: new ImmediateSqliteDialect({ database }) });
}

async function openPostgres(connectionString: string): Promise<Kysely<StoreSchema>> {
  const [{ Kysely, PostgresDialect, sql }, { default: pg }] = await Promise.all([import("kysely"), import("pg")]);
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS });
  // An idle connection the server drops must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
