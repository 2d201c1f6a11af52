import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { ConfigError } from "@flavorstack/core/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { moveSecretFieldsIntoSecret } from "./move-secret-fields-into-secret.js";
import { resolveSecretReferences } from "./resolve-secret-references.js";
import { maskSecretFields, SECRET_MASK } from "./secret-fields.js";
import { createSecretStore, type SecretStore } from "./secret-store.js";
import { createSecretsKeySource, SECRETS_KEY_ENV } from "./secrets-key.js";
import { openSecretsTestDatabase, type SecretsTestDatabase } from "./test-support/secrets-test-database.js";

const SECRET_FIELDS = ["key", "secret", "token"];
const KEY_VALUE = "AKIA-value-never-shown";
const SECRET_VALUE = "secret-value-never-shown";
const component = { id: "c1", type: "artifact_store", name: "s3" };

let t: SecretsTestDatabase;
let secrets: SecretStore;

beforeEach(async () => {
  t = await openSecretsTestDatabase();
  const env = { [SECRETS_KEY_ENV]: randomBytes(32).toString("base64") };
  secrets = createSecretStore({ db: t.db, key: createSecretsKeySource({ location: t.location, env }) });
});

afterEach(async () => {
  await t.close();
});

/** Registers or updates the component as the store does: move, write the row, then apply, in one transaction. */
async function save(config: Record<string, unknown>, target = component): Promise<Record<string, unknown>> {
  return t.db.transaction().execute(async (trx) => {
    const move = await moveSecretFieldsIntoSecret({
      secrets: secrets.withExecutor(trx),
      component: target,
      secretFields: SECRET_FIELDS,
      config,
    });
    const now = new Date().toISOString();
    await trx
      .insertInto("components")
      .values({ ...target, flavor: "s3", config: JSON.stringify(move.config), created_at: now, updated_at: now })
      .onConflict((conflict) =>
        conflict.column("id").doUpdateSet({ name: target.name, config: JSON.stringify(move.config) }),
      )
      .execute();
    await move.apply();
    return move.config;
  });
}

async function storedConfig(): Promise<string> {
  return (await t.db.selectFrom("components").select("config").where("id", "=", "c1").executeTakeFirstOrThrow()).config;
}

describe("moveSecretFieldsIntoSecret", () => {
  it("on register, moves plain secret values into the owned secret and keeps the user's references", async () => {
    await secrets.create("aws", { secret: "user-secret-value" });
    const config = await save({ path: "s3://b", key: KEY_VALUE, secret: "{{aws.secret}}" });
    expect(config).toEqual({ path: "s3://b", key: "{{artifact_store-s3.key}}", secret: "{{aws.secret}}" });
    expect(await secrets.findOwned("c1")).toEqual({ name: "artifact_store-s3", values: { key: KEY_VALUE } });
    expect((await secrets.describe("artifact_store-s3")).owner).toEqual({ type: "artifact_store", name: "s3" });
    expect(await storedConfig()).not.toContain(KEY_VALUE);

    expect(await resolveSecretReferences(config, secrets)).toEqual({
      path: "s3://b",
      key: KEY_VALUE,
      secret: "user-secret-value",
    });
    expect(maskSecretFields(config, component, SECRET_FIELDS)).toEqual({
      path: "s3://b",
      key: SECRET_MASK,
      secret: "{{aws.secret}}",
    });
  });

  it("on update, keeps unchanged values, replaces new ones and removes the fields left out", async () => {
    await save({ path: "s3://b", key: KEY_VALUE, secret: SECRET_VALUE, token: "t1" });
    const stored = JSON.parse(await storedConfig()) as Record<string, unknown>;
    expect(stored).toEqual({
      path: "s3://b",
      key: "{{artifact_store-s3.key}}",
      secret: "{{artifact_store-s3.secret}}",
      token: "{{artifact_store-s3.token}}",
    });

    const { token: _dropped, ...kept } = stored;
    const config = await save({ ...kept, secret: "new-secret-value" });
    expect(config).toEqual({
      path: "s3://b",
      key: "{{artifact_store-s3.key}}",
      secret: "{{artifact_store-s3.secret}}",
    });
    expect((await secrets.findOwned("c1"))?.values).toEqual({ key: KEY_VALUE, secret: "new-secret-value" });

    const withoutSecrets = await save({ path: "s3://b" });
    expect(withoutSecrets).toEqual({ path: "s3://b" });
    expect(await secrets.findOwned("c1")).toBeUndefined();
    expect(await secrets.list()).toEqual([]);
  });

  it("a secret field turned into a user's reference leaves the owned secret", async () => {
    await save({ key: KEY_VALUE, secret: SECRET_VALUE });
    await secrets.create("aws", { key: "k", secret: "s" });
    await save({ key: "{{aws.key}}", secret: "{{aws.secret}}" });
    expect(await secrets.findOwned("c1")).toBeUndefined();
    expect((await secrets.list()).map((secret) => secret.name)).toEqual(["aws"]);
  });

  it("follows a renamed component: the owned secret and the references get the new name", async () => {
    const first = await save({ key: KEY_VALUE });
    const renamed = { ...component, name: "s3-new" };
    const config = await save(first, renamed);
    expect(config).toEqual({ key: "{{artifact_store-s3-new.key}}" });
    expect(await secrets.findOwned("c1")).toEqual({ name: "artifact_store-s3-new", values: { key: KEY_VALUE } });
    expect(await resolveSecretReferences(config, secrets)).toEqual({ key: KEY_VALUE });
  });

  it("leaves non-secret fields and dangling references as they are, for the reference check to report", async () => {
    const config = await save({ path: "{{artifact_store-s3.key}}", key: "{{artifact_store-s3.gone}}" });
    expect(config).toEqual({ path: "{{artifact_store-s3.key}}", key: "{{artifact_store-s3.gone}}" });
    await expect(resolveSecretReferences(config, secrets)).rejects.toThrow("there is no secret 'artifact_store-s3'");
  });

  it.each([
    [
      { key: 42 },
      "The secret field 'key' of artifact_store 's3' holds a number: secret fields take text, or a {{secret.key}} reference.",
    ],
    [
      { key: null },
      "The secret field 'key' of artifact_store 's3' holds null: secret fields take text, or a {{secret.key}} reference.",
    ],
    [
      { key: SECRET_MASK },
      "The secret field 'key' of artifact_store 's3' holds the mask ********, not a value: give the value, or leave the field out of the update to keep the stored one.",
    ],
  ])("refuses %j in a secret field, changing nothing", async (config, message) => {
    await save({ key: KEY_VALUE, secret: SECRET_VALUE });
    const before = await storedConfig();
    const error = await save({ ...config, secret: "another-value" }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(message);
    expect(inspect(error)).not.toContain(KEY_VALUE);
    expect(await storedConfig()).toBe(before);
    expect((await secrets.findOwned("c1"))?.values).toEqual({ key: KEY_VALUE, secret: SECRET_VALUE });
  });

  it("refuses an owned secret whose name a user's secret has, and writes nothing", async () => {
    await secrets.create("artifact_store-s3", { mine: "x" });
    await expect(save({ key: KEY_VALUE })).rejects.toThrow(
      "The secret fields of artifact_store 's3' are kept in the secret 'artifact_store-s3', but a secret of that name already exists",
    );
    expect(await t.db.selectFrom("components").selectAll().execute()).toEqual([]);
    expect(await secrets.get("artifact_store-s3")).toEqual({ mine: "x" });
  });

  it("an owned secret blocks its own deletion while its component refers to it", async () => {
    await save({ key: KEY_VALUE });
    await expect(secrets.delete("artifact_store-s3")).rejects.toThrow(
      "The secret 'artifact_store-s3' is used by artifact_store 's3' ({{artifact_store-s3.key}})",
    );
  });
});
