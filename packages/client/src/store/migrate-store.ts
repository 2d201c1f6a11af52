import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { StoreError } from "./store-error.js";
import { databaseErrorCode, storeFailure } from "./store-failure.js";
import type { StoreLocation } from "./store-location.js";
import { STORE_MIGRATIONS } from "./store-migrations.js";

/** Kysely's Migrator records what it ran in this table. */
const MIGRATION_TABLE = "kysely_migration";

interface MigrationTables {
  [MIGRATION_TABLE]: { name: string; timestamp: string };
}

/**
 * Brings the store up to this client's migrations: a fresh store gets them all, an older one the missing ones.
 * A store that has run migrations this client does not know was written by a newer flavorstack and is refused,
 * unchanged. When nothing is pending (every open but the first after an upgrade), this costs one query.
 * Concurrent first opens are safe: SQLite's immediate transactions and PostgreSQL's advisory lock run the
 * migrations once, and the others find them done.
 */
export async function migrateStore(
  // biome-ignore lint/suspicious/noExplicitAny: the store's tables change with its migrations.
  db: Kysely<any>,
  location: StoreLocation,
  migrations: Readonly<Record<string, Migration>> = STORE_MIGRATIONS,
): Promise<void> {
  const known = Object.keys(migrations);
  const applied = await appliedMigrations(db, location);
  refuseNewerStore(location, applied, known);
  if (known.every((name) => applied.includes(name))) return;

  const { Migrator } = await import("kysely/migration");
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
  const { error } = await migrator.migrateToLatest();
  if (error === undefined) return;
  // A newer client may have migrated the store between our look and our lock.
  refuseNewerStore(location, await appliedMigrations(db, location), known);
  throw new StoreError(
    `Cannot migrate the store ${location.display} to this flavorstack's version: ${storeFailure(location, error).message}`,
    { cause: error },
  );
}

async function appliedMigrations(
  // biome-ignore lint/suspicious/noExplicitAny: see migrateStore.
  db: Kysely<any>,
  location: StoreLocation,
): Promise<string[]> {
  try {
    const rows = await (db as Kysely<MigrationTables>).selectFrom(MIGRATION_TABLE).select("name").execute();
    return rows.map((row) => row.name);
  } catch (error) {
    if (isMissingTable(error)) return [];
    throw storeFailure(location, error, "read");
  }
}

function refuseNewerStore(location: StoreLocation, applied: readonly string[], known: readonly string[]): void {
  const unknown = applied.filter((name) => !known.includes(name)).sort();
  if (unknown.length === 0) return;
  throw new StoreError(
    `The store ${location.display} was written by a newer flavorstack (it has run migration${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}, which this version does not know). Upgrade flavorstack (e.g. \`pnpm add @flavorstack/cli@latest\`) to use it; it was left unchanged.`,
  );
}

function isMissingTable(error: unknown): boolean {
  return (
    databaseErrorCode(error) === "42P01" ||
    (databaseErrorCode(error) === "SQLITE_ERROR" && /no such table/i.test((error as Error).message))
  );
}
