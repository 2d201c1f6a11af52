import { realpathSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "@flavorstack/core";
import { missingPostgresPrograms, type PostgresServer, startPostgres } from "@flavorstack/testing/servers";
import { afterAll, beforeAll, beforeEach, describe, onTestFinished } from "vitest";
import { Client, type ClientOptions } from "../client.js";
import { openStoreDatabase } from "../store/open-store-database.js";
import { resolveStoreLocation } from "../store/store-location.js";
import type { StoreSchema } from "../store/store-schema.js";

type Dialect = "sqlite" | "postgres";

/** The scope the tests' active stack is kept for. */
export const TEST_SCOPE = "tester@suite";

/** One store for one test: a fresh SQLite file in a temp dir, or a fresh PostgreSQL database. */
export interface StoreUnderTest {
  dialect: Dialect;
  /** A new, empty store's URL (and, for SQLite, the temp dir it sits in). */
  newStore(): Promise<{ url: string; dir: string }>;
  /** Opens the store with the test scope, no environment and warnings collected in `warnings`. */
  open(url: string, options?: ClientOptions): Promise<Client>;
  warnings: string[];
}

const POSTGRES_MISSING = missingPostgresPrograms();

/**
 * Runs `body` once against SQLite and once against a real PostgreSQL server that the suite starts (skipped, with
 * the reason, where PostgreSQL is not installed).
 */
export function describeEachStore(title: string, body: (store: StoreUnderTest) => void): void {
  for (const dialect of ["sqlite", "postgres"] as const) {
    const skip = dialect === "postgres" && POSTGRES_MISSING.length > 0;
    const skipReason = `PostgreSQL is not installed (${POSTGRES_MISSING.join(", ")} missing): run 'bash test/infra/setup.sh'`;
    describe(`${title} (${dialect})`, { skip, meta: skip ? { skipReason } : {}, timeout: 60_000 }, () => {
      let server: PostgresServer | undefined;
      const store: StoreUnderTest = {
        dialect,
        warnings: [],
        async newStore() {
          const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-client-"));
          onTestFinished(() => rm(dir, { recursive: true, force: true }));
          if (dialect === "sqlite") return { url: path.join(dir, "store.db"), dir };
          if (server === undefined) throw new Error("PostgreSQL did not start");
          return { url: await server.createDatabase(), dir };
        },
        async open(url, options = {}) {
          const logger: Logger = {
            debug() {},
            info() {},
            warn: (message) => store.warnings.push(message),
          };
          const client = await Client.open({ url, env: { FLAVORSTACK_ACTIVE_SCOPE: TEST_SCOPE }, logger, ...options });
          onTestFinished(() => client.close());
          return client;
        },
      };
      beforeAll(async () => {
        if (dialect === "postgres") server = await startPostgres();
      }, 120_000);
      afterAll(() => server?.stop());
      beforeEach(() => {
        store.warnings.length = 0;
      });
      body(store);
    });
  }
}

/**
 * Every row of every table (migrations included), sorted: what a refused operation must leave as it was.
 * Read through a connection of its own.
 */
export async function dumpStore(url: string): Promise<Record<string, unknown[]>> {
  const db = await openStoreDatabase(resolveStoreLocation({ url, env: {} }));
  try {
    const tables = [
      "store_meta",
      "components",
      "stacks",
      "stack_components",
      "active_stacks",
      "secrets",
      "builds",
    ] as const satisfies readonly (keyof StoreSchema)[];
    const dump: Record<string, unknown[]> = {};
    for (const table of tables) {
      const rows = await db.selectFrom(table).selectAll().execute();
      dump[table] = rows.map((row) => JSON.stringify(row)).sort();
    }
    // biome-ignore lint/suspicious/noExplicitAny: the migrator's own table is not part of the store's schema.
    const migrations = await (db as any).selectFrom("kysely_migration").select("name").execute();
    dump.kysely_migration = migrations.map((row: { name: string }) => row.name).sort();
    return dump;
  } finally {
    await db.destroy();
  }
}

const CORE_DIR = realpathSync(path.dirname(createRequire(import.meta.url).resolve("@flavorstack/core/package.json")));

/**
 * Installs an integration package `name` into `<dir>/node_modules` whose entry module is `source` (it may import
 * "@flavorstack/core/plugin" and "zod", linked to the workspace's copies).
 */
export async function installIntegration(dir: string, name: string, source: string): Promise<void> {
  const modules = path.join(dir, "node_modules");
  const packageDir = path.join(modules, name);
  await mkdir(packageDir, { recursive: true });
  await writeFile(
    path.join(packageDir, "package.json"),
    JSON.stringify({ name, type: "module", flavorstack: { integration: "./index.js" } }),
  );
  await writeFile(path.join(packageDir, "index.js"), source);
  await mkdir(path.join(modules, "@flavorstack"), { recursive: true });
  await symlink(CORE_DIR, path.join(modules, "@flavorstack", "core"), "dir").catch(() => {});
  await symlink(path.join(CORE_DIR, "node_modules", "zod"), path.join(modules, "zod"), "dir").catch(() => {});
}
