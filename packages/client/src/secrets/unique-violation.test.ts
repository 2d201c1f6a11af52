import { afterEach, beforeEach, expect, it } from "vitest";
import { openSecretsTestDatabase, type SecretsTestDatabase } from "./test-support/secrets-test-database.js";
import { isUniqueViolation } from "./unique-violation.js";

let t: SecretsTestDatabase;

beforeEach(async () => {
  t = await openSecretsTestDatabase();
});

afterEach(async () => {
  await t.close();
});

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => expect.unreachable("the statement should fail"),
    (error: unknown) => error,
  );
}

it("recognises SQLite's unique and primary key violations, and nothing else", async () => {
  const row = { id: "s1", name: "aws", ciphertext: "x", owner_component_id: null, created_at: "t", updated_at: "t" };
  await t.db.insertInto("secrets").values(row).execute();
  expect(
    isUniqueViolation(
      await failure(
        t.db
          .insertInto("secrets")
          .values({ ...row, id: "s2" })
          .execute(),
      ),
    ),
  ).toBe(true);
  expect(
    isUniqueViolation(
      await failure(
        t.db
          .insertInto("secrets")
          .values({ ...row, name: "gcp" })
          .execute(),
      ),
    ),
  ).toBe(true);
  const foreignKey = t.db.insertInto("secrets").values({ ...row, id: "s3", name: "x", owner_component_id: "none" });
  expect(isUniqueViolation(await failure(foreignKey.execute()))).toBe(false);
  expect(isUniqueViolation({ code: "23505" })).toBe(true);
  expect(isUniqueViolation(new Error("x"))).toBe(false);
  expect(isUniqueViolation(null)).toBe(false);
});
