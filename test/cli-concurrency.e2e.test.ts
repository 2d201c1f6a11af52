// 8 `flavorstack` processes at once against one fresh store, SQLite and PostgreSQL: every process succeeds or fails
// cleanly (one message, exit 1), and the store stays consistent (one default stack, every registered component).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { missingPostgresPrograms, type PostgresServer, startPostgres } from "@flavorstack/testing/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFlavorstack } from "./support/flavorstack-cli.js";

const PROCESSES = 8;
const missingPostgres = missingPostgresPrograms();

let dir: string;
let postgres: PostgresServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "flavorstack-cli-concurrency-"));
  if (missingPostgres.length === 0) postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const BACKENDS = [
  { name: "SQLite", skip: undefined, store: async (suite: string) => path.join(dir, `${suite}.db`) },
  {
    name: "PostgreSQL",
    skip: missingPostgres.length ? `PostgreSQL is not installed (missing ${missingPostgres.join(", ")})` : undefined,
    store: async (suite: string) => {
      if (!postgres) throw new Error("PostgreSQL did not start");
      return postgres.createDatabase(suite.replaceAll("-", "_"));
    },
  },
];

for (const { name, store, skip } of BACKENDS) {
  describe(name, { skip: skip !== undefined, meta: { skipReason: skip } }, () => {
    const flavorstack = (url: string, ...args: string[]) => runFlavorstack(["--store", url, ...args], dir);

    it(`${PROCESSES} processes registering different components at once on a fresh store all succeed`, async () => {
      const url = await store("different-names");
      const names = Array.from({ length: PROCESSES }, (_, i) => `parallel-${i}`);
      const results = await Promise.all(
        names.map((name) => flavorstack(url, "artifact-store", "register", name, "--flavor", "local")),
      );
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      const listed = JSON.parse((await flavorstack(url, "artifact-store", "list", "--json")).stdout) as {
        name: string;
      }[];
      expect(listed.map((record) => record.name).sort()).toEqual(["default", ...names].sort());
      const stacks = JSON.parse((await flavorstack(url, "stack", "list", "--json")).stdout) as { name: string }[];
      expect(stacks.map((stack) => stack.name)).toEqual(["default"]);
    });

    it(`${PROCESSES} processes registering the same name at once: one wins, the others are refused cleanly`, async () => {
      const url = await store("same-name");
      const results = await Promise.all(
        Array.from({ length: PROCESSES }, () =>
          flavorstack(url, "image-builder", "register", "shared", "--flavor", "local"),
        ),
      );
      expect(results.filter((result) => result.code === 0)).toHaveLength(1);
      for (const refused of results.filter((result) => result.code !== 0)) {
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/^error: An? image_builder named 'shared' already exists/m);
        expect(refused.stderr).not.toMatch(/^\s+at /m);
      }
      const listed = JSON.parse((await flavorstack(url, "image-builder", "list", "--json")).stdout) as {
        name: string;
      }[];
      expect(listed.map((record) => record.name)).toEqual(["shared"]);
    });
  });
}
