import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { missingPostgresPrograms, startPostgres } from "./postgres-server.js";

const MISSING = missingPostgresPrograms();
const SKIP_REASON = `PostgreSQL is not installed (${MISSING.join(", ")} missing): run 'bash test/infra/setup.sh'`;

const postgresDirs = async () => (await readdir(tmpdir())).filter((name) => name.startsWith("flavorstack-postgres-"));

describe("startPostgres", { skip: MISSING.length > 0, meta: { skipReason: SKIP_REASON }, timeout: 120_000 }, () => {
  it("serves fresh databases on 127.0.0.1, and stop() ends the server and removes its dir", async () => {
    const before = await postgresDirs();
    const server = await startPostgres();
    let stopped = false;
    try {
      expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      const first = await server.createDatabase();
      const second = await server.createDatabase();
      expect(first).not.toBe(second);
      const { stdout } = await promisify(execFile)("psql", [first, "-qAtc", "select current_database()"]);
      expect(`${server.url.replace(/\/postgres$/, "")}/${stdout.trim()}`).toBe(first);
      expect((await postgresDirs()).length).toBe(before.length + 1);
      await server.stop();
      stopped = true;
      const refused = await promisify(execFile)("psql", [first, "-qAtc", "select 1"]).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Error);
      expect(await postgresDirs()).toEqual(before);
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
