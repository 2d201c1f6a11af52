import { randomBytes } from "node:crypto";
import { readFile, rm, stat } from "node:fs/promises";
import { inspect } from "node:util";
import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../store/store-error.js";
import type { StoreSchema } from "../store/store-schema.js";
import { createSecretStore, type SecretStore } from "./secret-store.js";
import { createSecretsKeySource, SECRETS_KEY_ENV, secretsKeyFilePath } from "./secrets-key.js";
import {
  insertTestComponent,
  openSecretsTestDatabase,
  type SecretsTestDatabase,
} from "./test-support/secrets-test-database.js";

const KEY = randomBytes(32).toString("base64");
const AWS = { key: "AKIA-value-never-shown", secret: "aws-secret-value-never-shown" };
const VALUES_NEVER_SHOWN = [...Object.values(AWS), "token-value-never-shown", "replaced-value-never-shown"];
const WRONG_KEY_MESSAGE = `The secrets in this store were encrypted with another key; set ${SECRETS_KEY_ENV} to the key used before (the key tried is ${SECRETS_KEY_ENV}'s).`;

let t: SecretsTestDatabase;
let secrets: SecretStore;

beforeEach(async () => {
  t = await openSecretsTestDatabase();
  secrets = storeWithKey(KEY);
});

afterEach(async () => {
  await t.close();
});

function storeWithKey(key: string, db: Kysely<StoreSchema> = t.db): SecretStore {
  return createSecretStore({
    db,
    key: createSecretsKeySource({ location: t.location, env: { [SECRETS_KEY_ENV]: key } }),
  });
}

function storeWithKeyFile(db: Kysely<StoreSchema> = t.db): SecretStore {
  return createSecretStore({ db, key: createSecretsKeySource({ location: t.location, env: {} }) });
}

/** The StoreError the promise rejects with; it must show no secret value anywhere. */
async function refusal(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StoreError);
  const shown = `${String(error)}\n${(error as Error).stack}\n${inspect(error, { depth: 10 })}`;
  for (const value of VALUES_NEVER_SHOWN) expect(shown).not.toContain(value);
  return error as StoreError;
}

/** Every row of the secrets and store_meta tables, to show that a refused change changed nothing. */
async function snapshot(): Promise<unknown> {
  return {
    secrets: await t.db.selectFrom("secrets").selectAll().orderBy("name").execute(),
    meta: await t.db.selectFrom("store_meta").selectAll().orderBy("key").execute(),
  };
}

describe("SecretStore", () => {
  it("creates, lists, describes and gets secrets; values are stored encrypted only", async () => {
    const before = Date.now();
    const created = await secrets.create("aws", AWS);
    await secrets.create("a-first", { TOKEN: "token-value-never-shown" });

    expect(created).toMatchObject({ name: "aws", keys: ["key", "secret"], owner: null });
    expect(Date.parse(created.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(created.updatedAt).toBe(created.createdAt);
    expect(await secrets.describe("aws")).toEqual(created);
    expect((await secrets.list()).map((secret) => [secret.name, secret.keys])).toEqual([
      ["a-first", ["TOKEN"]],
      ["aws", ["key", "secret"]],
    ]);
    expect(await secrets.get("aws")).toEqual(AWS);
    expect(await secrets.find("aws")).toEqual(AWS);
    expect(await secrets.find("nope")).toBeUndefined();

    const rows = await t.db.selectFrom("secrets").select("ciphertext").execute();
    const meta = await t.db.selectFrom("store_meta").selectAll().execute();
    const files = ["", "-wal", "-journal"].map((end) => `${t.location.file}${end}`);
    let stored = JSON.stringify([rows, meta]);
    for (const file of files) stored += await readFile(file, "latin1").catch(() => "");
    for (const value of VALUES_NEVER_SHOWN) expect(stored).not.toContain(value);
    for (const row of rows) expect(row.ciphertext).toMatch(/^v1\./);
    expect(meta.map((row) => row.key)).toEqual(["secrets_key_check"]);
  });

  it("another connection with the same key reads them (the key check is written once)", async () => {
    await secrets.create("aws", AWS);
    const other = storeWithKey(KEY, t.reopen());
    expect(await other.get("aws")).toEqual(AWS);
    await other.create("second", { a: "b" });
    expect(await t.db.selectFrom("store_meta").selectAll().execute()).toHaveLength(1);
  });

  it("shows no value in String(), JSON or util.inspect of itself, after reading them", async () => {
    await secrets.create("aws", AWS);
    await secrets.get("aws");
    await secrets.list();
    for (const shown of [String(secrets), JSON.stringify(secrets), inspect(secrets, { depth: 10, showHidden: true })]) {
      for (const value of VALUES_NEVER_SHOWN) expect(shown).not.toContain(value);
      expect(shown).not.toContain(KEY);
    }
  });

  it.each([
    ["", "The secret name '' is empty"],
    ["a".repeat(65), `The secret name '${"a".repeat(65)}' is 65 characters long`],
    ["my secret", "The secret name 'my secret' has spaces"],
    ["bell\u0007", "The secret name 'bell\\u0007' has control characters"],
    ["aws.prod", "The secret name 'aws.prod' has characters it cannot have"],
    ["-leading", "The secret name '-leading' has characters it cannot have"],
  ])("refuses the name %j, saying what a name may be", async (name, start) => {
    const error = await refusal(secrets.create(name, AWS));
    expect(error.message).toBe(
      `${start}: use 1-64 letters, digits, '_' and '-', starting with a letter or digit (no '.', which separates name and key in {{name.key}}).`,
    );
    expect(await snapshot()).toEqual({ secrets: [], meta: [] });
  });

  it("accepts a 64-character name", async () => {
    await secrets.create("a".repeat(64), AWS);
    expect((await secrets.list()).map((secret) => secret.name)).toEqual(["a".repeat(64)]);
  });

  it("refuses values that are not key=value text, naming every bad key and never a value", async () => {
    expect((await refusal(secrets.create("aws", {}))).message).toBe("The secret 'aws' needs at least one key=value.");
    const values = { "bad key": "x", good: "y", n: 5, o: null, "a.b": "z" } as unknown as Record<string, string>;
    expect((await refusal(secrets.create("aws", values))).message).toBe(
      [
        "The secret 'aws' cannot be saved:",
        "  - the key 'bad key' has spaces: use 1-64 letters, digits, '_' and '-', starting with a letter, digit or '_'",
        "  - the value of 'n' is a number, not a string",
        "  - the value of 'o' is null, not a string",
        "  - the key 'a.b' has characters it cannot have: use 1-64 letters, digits, '_' and '-', starting with a letter, digit or '_'",
      ].join("\n"),
    );
    expect((await refusal(secrets.create("aws", [] as unknown as Record<string, string>))).message).toBe(
      "The values of the secret 'aws' must be an object of key=value pairs.",
    );
    expect(await snapshot()).toEqual({ secrets: [], meta: [] });
  });

  it("refuses a duplicate name and changes nothing", async () => {
    await secrets.create("aws", AWS);
    const before = await snapshot();
    const error = await refusal(secrets.create("aws", { key: "replaced-value-never-shown" }));
    expect(error.message).toBe(
      "A secret named 'aws' already exists: change it with flavorstack secret update aws, or choose another name.",
    );
    expect(await snapshot()).toEqual(before);
  });

  it("names the known secrets when a name is unknown", async () => {
    const none = await refusal(secrets.get("aws"));
    expect(none.message).toBe(
      "There is no secret named 'aws'. There are no secrets yet. Create one with flavorstack secret create NAME.",
    );
    await secrets.create("gcp", { json: "x" });
    await secrets.create("azure", { k: "y" });
    for (const attempt of [
      () => secrets.get("aws"),
      () => secrets.describe("aws"),
      () => secrets.update("aws", AWS),
      () => secrets.delete("aws"),
    ]) {
      expect((await refusal(attempt())).message).toBe(
        "There is no secret named 'aws'. Known secrets: azure, gcp. Create one with flavorstack secret create NAME.",
      );
    }
  });

  it("updates by merging, or replaces with { replace: true }", async () => {
    const created = await secrets.create("aws", AWS);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const merged = await secrets.update("aws", { token: "token-value-never-shown", key: "replaced-value-never-shown" });
    expect(merged.keys).toEqual(["key", "secret", "token"]);
    expect(merged.createdAt).toBe(created.createdAt);
    expect(merged.updatedAt > created.updatedAt).toBe(true);
    expect(await secrets.get("aws")).toEqual({
      key: "replaced-value-never-shown",
      secret: AWS.secret,
      token: "token-value-never-shown",
    });
    expect((await secrets.update("aws", { only: "this" }, { replace: true })).keys).toEqual(["only"]);
    expect(await secrets.get("aws")).toEqual({ only: "this" });
    const before = await snapshot();
    expect((await refusal(secrets.update("aws", {}, { replace: true }))).message).toBe(
      "The secret 'aws' would hold no key=value: delete it instead (flavorstack secret delete aws).",
    );
    expect(await snapshot()).toEqual(before);
  });

  it("refuses to replace away a key a component refers to, naming the component", async () => {
    await secrets.create("aws", AWS);
    await insertTestComponent(t.db, { id: "c1", type: "artifact_store", name: "s3", config: { key: "{{aws.key}}" } });
    const before = await snapshot();
    const error = await refusal(secrets.update("aws", { secret: "replaced-value-never-shown" }, { replace: true }));
    expect(error.message).toBe(
      "The secret 'aws' would lose keys that components use: artifact_store 's3' ({{aws.key}}). Keep those keys, or change the components' config first.",
    );
    expect(await snapshot()).toEqual(before);
    await secrets.update("aws", { key: "replaced-value-never-shown" }, { replace: true });
    expect(await secrets.get("aws")).toEqual({ key: "replaced-value-never-shown" });
  });

  it("deletes a secret no component refers to, and refuses one in use, naming every user", async () => {
    await secrets.create("aws", AWS);
    await secrets.create("awsx", { key: "x" });
    await insertTestComponent(t.db, {
      id: "c1",
      type: "image_builder",
      name: "kb",
      config: { env: [{ name: "A", value: "Bearer {{aws.key}}" }], other: "{{ aws.secret }}" },
    });
    await insertTestComponent(t.db, { id: "c2", type: "artifact_store", name: "s3", config: { key: "{{aws.key}}" } });
    await insertTestComponent(t.db, { id: "c3", type: "artifact_store", name: "x", config: { key: "{{awsx.key}}" } });
    const before = await snapshot();
    const error = await refusal(secrets.delete("aws"));
    expect(error.message).toBe(
      "The secret 'aws' is used by artifact_store 's3' ({{aws.key}}), image_builder 'kb' ({{aws.key}}, {{ aws.secret }}): change their config first (or delete them), then delete the secret.",
    );
    expect(await snapshot()).toEqual(before);

    await t.db.deleteFrom("components").where("id", "in", ["c1", "c2"]).execute();
    await secrets.delete("aws");
    expect((await secrets.list()).map((secret) => secret.name)).toEqual(["awsx"]);
  });

  it("binds to a caller's transaction: a rolled-back create leaves nothing, not even the key check", async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await secrets.withExecutor(trx).create("aws", AWS);
        expect(await secrets.withExecutor(trx).get("aws")).toEqual(AWS);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await snapshot()).toEqual({ secrets: [], meta: [] });
    await secrets.create("aws", AWS);
    expect((await snapshot()) as { meta: unknown[] }).toMatchObject({ meta: [{ key: "secrets_key_check" }] });
  });
});

describe("SecretStore with the wrong key", () => {
  it("refuses every read and write with a clear message, never garbage, and changes nothing", async () => {
    await secrets.create("aws", AWS);
    const before = await snapshot();
    const wrong = storeWithKey(randomBytes(32).toString("base64"));
    for (const attempt of [
      () => wrong.get("aws"),
      () => wrong.find("aws"),
      () => wrong.describe("aws"),
      () => wrong.list(),
      () => wrong.create("gcp", { json: "x" }),
      () => wrong.update("aws", { key: "replaced-value-never-shown" }),
    ]) {
      const error = await refusal(attempt());
      expect(error.message).toBe(WRONG_KEY_MESSAGE);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("says so when the key file is gone, or another key file is in its place", async () => {
    const fromFile = storeWithKeyFile();
    expect(await fromFile.list()).toEqual([]);
    const keyFile = secretsKeyFilePath({ location: t.location });
    await expect(stat(keyFile)).rejects.toThrow(/ENOENT/);
    await fromFile.create("aws", AWS);
    expect(((await stat(keyFile)).mode & 0o777).toString(8)).toBe("600");
    expect(await storeWithKeyFile(t.reopen()).get("aws")).toEqual(AWS);

    await rm(keyFile);
    const missing = await refusal(storeWithKeyFile().get("aws"));
    expect(missing.message).toBe(
      `The secrets in this store were encrypted with a key that is not here: ${SECRETS_KEY_ENV} is not set and there is no key file ${keyFile}. Set ${SECRETS_KEY_ENV} to the key used before, or put its key file back.`,
    );
    const alsoMissing = await refusal(storeWithKeyFile().create("gcp", { json: "x" }));
    expect(alsoMissing.message).toBe(missing.message);
    await expect(stat(keyFile)).rejects.toThrow(/ENOENT/);
  });

  it("tells a secret whose stored value was altered from a wrong key", async () => {
    await secrets.create("aws", AWS);
    await secrets.create("gcp", { json: "x" });
    const gcp = await t.db
      .selectFrom("secrets")
      .select("ciphertext")
      .where("name", "=", "gcp")
      .executeTakeFirstOrThrow();
    await t.db.updateTable("secrets").set({ ciphertext: gcp.ciphertext }).where("name", "=", "aws").execute();
    const moved = await refusal(secrets.get("aws"));
    expect(moved.message).toBe(
      "The secret 'aws' cannot be decrypted although the secrets key is right: its stored value was altered or is damaged. Delete it (flavorstack secret delete aws) and create it again.",
    );
    await t.db.updateTable("secrets").set({ ciphertext: "garbage" }).where("name", "=", "aws").execute();
    expect((await refusal(secrets.list())).message).toBe(moved.message);
    const [, ...rest] = gcp.ciphertext.split(".");
    await t.db
      .updateTable("secrets")
      .set({ ciphertext: ["v2", ...rest].join(".") })
      .where("name", "=", "aws")
      .execute();
    expect((await refusal(secrets.describe("aws"))).message).toBe(
      "The secret 'aws' was written by a newer flavorstack client: upgrade @flavorstack/client to read it.",
    );
    // Deleting a damaged secret needs no decryption.
    await secrets.delete("aws");
    expect(await secrets.get("gcp")).toEqual({ json: "x" });
  });
});

describe("SecretStore's owned secrets", () => {
  const owner = { id: "c1", type: "artifact_store", name: "s3.prod" };

  it("creates, renames, updates and deletes a component's secret; list names its owner", async () => {
    await insertTestComponent(t.db, { ...owner, config: {} });
    await secrets.saveOwned(owner, AWS);
    expect(await secrets.findOwned("c1")).toEqual({ name: "artifact_store-s3.prod", values: AWS });
    expect(await secrets.describe("artifact_store-s3.prod")).toMatchObject({
      keys: ["key", "secret"],
      owner: { type: "artifact_store", name: "s3.prod" },
    });

    const unchanged = await secrets.describe("artifact_store-s3.prod");
    await new Promise((resolve) => setTimeout(resolve, 5));
    await secrets.saveOwned(owner, { ...AWS });
    expect(await secrets.describe("artifact_store-s3.prod")).toEqual(unchanged);

    // A user may change it too, although its name (with the component's '.') is not one a user could give.
    await secrets.update("artifact_store-s3.prod", { extra: "x" });
    expect((await secrets.findOwned("c1"))?.values).toEqual({ ...AWS, extra: "x" });

    await t.db.updateTable("components").set({ name: "renamed" }).where("id", "=", "c1").execute();
    await secrets.saveOwned({ ...owner, name: "renamed" }, { key: AWS.key });
    expect(await secrets.findOwned("c1")).toEqual({ name: "artifact_store-renamed", values: { key: AWS.key } });
    expect(await secrets.find("artifact_store-s3.prod")).toBeUndefined();

    await secrets.saveOwned({ ...owner, name: "renamed" }, {});
    expect(await secrets.findOwned("c1")).toBeUndefined();
    expect(await secrets.list()).toEqual([]);
  });

  it("goes with its component's row", async () => {
    await insertTestComponent(t.db, { ...owner, config: {} });
    await secrets.saveOwned(owner, AWS);
    await t.db.deleteFrom("components").where("id", "=", "c1").execute();
    expect(await secrets.list()).toEqual([]);
  });

  it("refuses a name a user's secret already has", async () => {
    await insertTestComponent(t.db, { id: "c2", type: "artifact_store", name: "s3", config: {} });
    await secrets.create("artifact_store-s3", { mine: "x" });
    const before = await snapshot();
    const error = await refusal(secrets.saveOwned({ id: "c2", type: "artifact_store", name: "s3" }, AWS));
    expect(error.message).toBe(
      "The secret fields of artifact_store 's3' are kept in the secret 'artifact_store-s3', but a secret of that name already exists: rename or delete that secret, or choose another component name.",
    );
    expect(await snapshot()).toEqual(before);
  });
});
