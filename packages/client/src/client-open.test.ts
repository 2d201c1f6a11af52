import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { freePort } from "@flavorstack/testing/servers";
import { type Kysely, sql } from "kysely";
import { describe, expect, it, onTestFinished } from "vitest";
import { Client } from "./client.js";
import { migrateStore } from "./store/migrate-store.js";
import * as initial from "./store/migrations/0001-initial.js";
import { openStoreDatabase } from "./store/open-store-database.js";
import { StoreError } from "./store/store-error.js";
import { resolveStoreLocation } from "./store/store-location.js";
import { runClientChild } from "./test-support/client-child.js";
import { describeEachStore, dumpStore } from "./test-support/store-suite.js";

/** A migration that only these tests know: a later version of the store. */
const ADD_COMPONENT_LABELS = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations see the database as it was.
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable("components")
      .addColumn("labels", "text", (column) => column.notNull().defaultTo("{}"))
      .execute();
  },
};

async function refusal(attempt: Promise<unknown>): Promise<Error> {
  const error = await attempt.then(
    () => new Error("the store was opened"),
    (thrown: unknown) => thrown as Error,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error;
}

describeEachStore("Client.open: migrations", (store) => {
  it("migrates an older store to this client's migrations, keeping its data", async () => {
    const { url } = await store.newStore();
    const location = resolveStoreLocation({ url, env: {} });
    const db = await openStoreDatabase(location);
    onTestFinished(() => db.destroy());
    await migrateStore(db, location, { "0001-initial": initial });
    const now = new Date().toISOString();
    await db
      .insertInto("components")
      .values({
        id: "c1",
        type: "image_builder",
        flavor: "local",
        name: "kept",
        config: "{}",
        created_at: now,
        updated_at: now,
      })
      .execute();

    await migrateStore(db, location, { "0001-initial": initial, "0002-component-labels": ADD_COMPONENT_LABELS });
    const rows = await sql<{ name: string; labels: string }>`select name, labels from components`.execute(db);
    expect(rows.rows).toEqual([{ name: "kept", labels: "{}" }]);
    // Nothing pending: a second run changes nothing.
    await migrateStore(db, location, { "0001-initial": initial, "0002-component-labels": ADD_COMPONENT_LABELS });
    expect((await dumpStore(url)).kysely_migration).toEqual(["0001-initial", "0002-component-labels"]);
  });

  it("refuses a store written by a newer flavorstack, leaving it unchanged", async () => {
    const { url } = await store.newStore();
    const location = resolveStoreLocation({ url, env: {} });
    const db = await openStoreDatabase(location);
    onTestFinished(() => db.destroy());
    await migrateStore(db, location, { "0001-initial": initial, "0002-component-labels": ADD_COMPONENT_LABELS });
    const before = await dumpStore(url);
    const error = await refusal(store.open(url));
    expect(error.message).toBe(
      `The store ${location.display} was written by a newer flavorstack (it has run migration 0002-component-labels, which this version does not know). Upgrade flavorstack (e.g. \`pnpm add @flavorstack/cli@latest\`) to use it; it was left unchanged.`,
    );
    expect(await dumpStore(url)).toEqual(before);
  });

  if (store.dialect === "postgres") {
    it("refuses a PostgreSQL server that does not answer, or a database that does not exist, never showing the password", async () => {
      const { url } = await store.newStore();
      const server = new URL(url);
      const password = "s3cr3t-Pa55";
      const missingDatabase = `postgres://postgres:${password}@${server.host}/no_such_database`;
      const error = await refusal(store.open(missingDatabase));
      expect(error.message).toMatch(
        /^Cannot open the store postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/no_such_database: .*"no_such_database" does not exist\. Check that the PostgreSQL server runs/,
      );
      expect(error.message).not.toContain(password);

      const closed = `postgres://flavorstack:${password}@127.0.0.1:${await freePort()}/flavorstack`;
      const refused = await refusal(store.open(closed));
      expect(refused.message).toMatch(
        /^Cannot open the store postgres:\/\/flavorstack:\*\*\*@127\.0\.0\.1:\d+\/flavorstack: .*ECONNREFUSED/,
      );
      expect(refused.message).not.toContain(password);
    });
  }
});

describe("Client.open: where the store is, and stores it cannot open (SQLite)", () => {
  async function tempDir(): Promise<string> {
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-client-open-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  it("opens .flavorstack/store.db in the working directory, or store.db under FLAVORSTACK_HOME", async () => {
    const dir = await tempDir();
    const local = await Client.open({ cwd: dir, env: {}, integrationSearchDirs: [] });
    await local.close();
    expect(local.location).toMatchObject({ dialect: "sqlite", file: path.join(dir, ".flavorstack", "store.db") });
    const home = await Client.open({ cwd: dir, env: { FLAVORSTACK_HOME: "home" }, integrationSearchDirs: [] });
    await home.close();
    expect(home.location).toMatchObject({ dialect: "sqlite", file: path.join(dir, "home", "store.db") });
    expect((await readdir(path.join(dir, "home"))).sort()).toContain("store.db");
  });

  it("refuses a URL scheme it does not know, creating nothing", async () => {
    const dir = await tempDir();
    const error = await refusal(Client.open({ url: "mysql://root:hunter2@db/flavorstack", cwd: dir, env: {} }));
    expect(error.message).toMatch(
      /^Cannot open the store URL 'mysql:\/\/root:\*\*\*@db\/flavorstack': only sqlite:PATH .* and postgres:\/\/… /,
    );
    expect(error.message).not.toContain("hunter2");
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses a file that is not an SQLite database, leaving it byte for byte as it was", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "store.db");
    const garbage = Buffer.from("this is not a database, but somebody's notes\n".repeat(200));
    await writeFile(file, garbage);
    const error = await refusal(Client.open({ url: file, env: {} }));
    expect(error.message).toBe(
      `Cannot open the store ${file}: the file is not an SQLite database or is damaged (file is not a database). Move it away (a new, empty store is made on the next run) or point FLAVORSTACK_STORE_URL / --store at another store.`,
    );
    expect(await readFile(file)).toEqual(garbage);
    expect(await readdir(dir)).toEqual(["store.db"]);
  });

  it("refuses a store in a directory it may not write to, changing nothing", async () => {
    const dir = await tempDir();
    const existing = path.join(dir, "existing");
    const client = await Client.open({ cwd: existing, env: {}, integrationSearchDirs: [] });
    await client.close();
    const storeDir = path.join(existing, ".flavorstack");
    const before = await dumpStore(path.join(storeDir, "store.db"));
    const files = (await readdir(storeDir)).sort();
    const empty = path.join(dir, "empty");
    await mkdir(empty);
    for (const folder of [dir, existing, storeDir, empty]) await chmod(folder, 0o555);
    onTestFinished(async () => {
      for (const folder of [dir, existing, storeDir, empty]) await chmod(folder, 0o755);
    });
    // Root may write anywhere: the attempts run as `nobody` then.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = await runClientChild(
      `for (const cwd of input.dirs) {
        try {
          await Client.open({ cwd, env: {}, integrationSearchDirs: [] });
          console.log("opened " + cwd);
        } catch (error) {
          console.log(JSON.stringify({ clean: error instanceof StoreError, message: error.message }));
        }
      }`,
      { dirs: [existing, empty] },
      asUser,
    );
    expect(child.stderr).toBe("");
    const [onExisting, onEmpty] = child.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(onExisting).toEqual({
      clean: true,
      message: expect.stringMatching(
        new RegExp(
          `^Cannot open the store ${storeDir}/store\\.db: it cannot be opened for reading and writing \\(.*\\)\\. Check that you may write to the file and its folder`,
        ),
      ),
    });
    expect(onEmpty).toEqual({
      clean: true,
      message: expect.stringMatching(
        new RegExp(
          `^Cannot open the store ${empty}/\\.flavorstack/store\\.db: it cannot be opened for reading and writing \\(EACCES`,
        ),
      ),
    });
    expect((await readdir(storeDir)).sort()).toEqual(files);
    expect(await readdir(empty)).toEqual([]);
    expect(await dumpStore(path.join(storeDir, "store.db"))).toEqual(before);
  });
});
