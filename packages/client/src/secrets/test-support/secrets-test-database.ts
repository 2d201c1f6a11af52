import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { up } from "../../store/migrations/0001-initial.js";
import type { StoreLocation } from "../../store/store-location.js";
import type { StoreSchema } from "../../store/store-schema.js";

export interface SecretsTestDatabase {
  db: Kysely<StoreSchema>;
  /** The temp dir holding the store file (and the key file beside it). */
  dir: string;
  location: Extract<StoreLocation, { dialect: "sqlite" }>;
  /** Another connection to the same file, as a second process would have. */
  reopen(): Kysely<StoreSchema>;
  close(): Promise<void>;
}

/** An SQLite store in a temp dir, made by the real first migration. */
export async function openSecretsTestDatabase(): Promise<SecretsTestDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-secrets-"));
  const file = path.join(dir, "store.db");
  const connections: Kysely<StoreSchema>[] = [];
  const reopen = () => {
    const database = new Database(file);
    database.pragma("journal_mode = WAL");
    database.pragma("busy_timeout = 5000");
    database.pragma("foreign_keys = ON");
    const db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database }) });
    connections.push(db);
    return db;
  };
  const db = reopen();
  await up(db);
  return {
    db,
    dir,
    location: { dialect: "sqlite", file, display: file },
    reopen,
    close: async () => {
      for (const connection of connections) await connection.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Inserts a component row as the store would, for the tests of references and owned secrets. */
export async function insertTestComponent(
  db: Kysely<StoreSchema>,
  component: { id: string; type: string; name: string; config: Record<string, unknown> },
): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto("components")
    .values({
      ...component,
      flavor: "test",
      config: JSON.stringify(component.config),
      created_at: now,
      updated_at: now,
    })
    .execute();
}
