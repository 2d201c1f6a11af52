import type { Kysely } from "kysely";
import { StoreError } from "../store/store-error.js";
import type { StoreSchema } from "../store/store-schema.js";
import { componentsUsingSecret, describeSecretUsers } from "./components-using-secret.js";
import { decryptText, encryptText } from "./secret-cipher.js";
import { ownedSecretName, type SecretOwner } from "./secret-fields.js";
import { assertSecretName, assertSecretValues } from "./secret-name.js";
import type { SecretsKey, SecretsKeySource } from "./secrets-key.js";
import { SecretsKeyCheck, undecryptableSecretError } from "./secrets-key-check.js";
import { isUniqueViolation } from "./unique-violation.js";

/** A secret as list and describe show it: no values. */
export interface SecretInfo {
  name: string;
  /** Sorted. */
  keys: string[];
  /** The component whose secret config fields it holds; deleted with it. */
  owner: { type: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
}

export type SecretValues = Record<string, string>;

export interface SecretStoreOptions {
  db: Kysely<StoreSchema>;
  /** Where the encryption key comes from: `createSecretsKeySource({ location, env })`. */
  key: SecretsKeySource;
}

export function createSecretStore(options: SecretStoreOptions): SecretStore {
  return new SecretStore(options.db, new SecretsKeyCheck(options.key));
}

type SecretRow = StoreSchema["secrets"] & { owner_type: string | null; owner_name: string | null };

/**
 * The store's secrets, encrypted at rest with AES-256-GCM. Every change is one transaction (or part of the
 * caller's, see `withExecutor`); a refused change changes nothing. No value ever appears in a message.
 */
export class SecretStore {
  readonly #db: Kysely<StoreSchema>;
  readonly #keyCheck: SecretsKeyCheck;

  /** Made by `createSecretStore`. */
  constructor(db: Kysely<StoreSchema>, keyCheck: SecretsKeyCheck) {
    this.#db = db;
    this.#keyCheck = keyCheck;
  }

  /** The same secrets through another executor, e.g. a transaction: `secrets.withExecutor(trx)`. */
  withExecutor(db: Kysely<StoreSchema>): SecretStore {
    return new SecretStore(db, this.#keyCheck);
  }

  async create(name: string, values: SecretValues): Promise<SecretInfo> {
    assertSecretName(name);
    assertSecretValues(name, values);
    if (Object.keys(values).length === 0) {
      throw new StoreError(`The secret '${name}' needs at least one key=value.`);
    }
    return this.#transaction(async (secrets) => {
      if (await secrets.#row(name)) throw duplicateError(name);
      await secrets.#insert(name, values, null);
      return secrets.describe(name);
    });
  }

  /** Every secret, sorted by name. Reads the keys, so it needs the secrets key. */
  async list(): Promise<SecretInfo[]> {
    const rows = await this.#rows().execute();
    if (rows.length === 0) return [];
    const key = await this.#keyCheck.key(this.#db, "read");
    const infos: SecretInfo[] = [];
    for (const row of rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      infos.push(info(row, await decryptValues(key, row)));
    }
    return infos;
  }

  /** The secret's keys, owner and dates; no values. */
  async describe(name: string): Promise<SecretInfo> {
    const row = await this.#existingRow(name);
    return info(row, await this.#decrypt(row));
  }

  /** The secret's values. */
  async get(name: string): Promise<SecretValues> {
    return this.#decrypt(await this.#existingRow(name));
  }

  /** The secret's values, `undefined` when there is no secret of that name. */
  async find(name: string): Promise<SecretValues | undefined> {
    const row = await this.#row(name);
    return row ? this.#decrypt(row) : undefined;
  }

  /**
   * Sets the given values over the stored ones; with `replace`, the secret holds the given values only
   * (refused when a component refers to a key it would lose).
   */
  async update(name: string, values: SecretValues, options: { replace?: boolean } = {}): Promise<SecretInfo> {
    assertSecretValues(name, values);
    return this.#transaction(async (secrets) => {
      const row = await secrets.#existingRow(name);
      const stored = await secrets.#decrypt(row);
      const next = options.replace ? { ...values } : { ...stored, ...values };
      if (Object.keys(next).length === 0) {
        throw new StoreError(
          `The secret '${name}' would hold no key=value: delete it instead (flavorstack secret delete ${name}).`,
        );
      }
      const lost = Object.keys(stored).filter((key) => !Object.hasOwn(next, key));
      const users = lost.length > 0 ? await componentsUsingSecret(secrets.#db, name, lost) : [];
      if (users.length > 0) {
        throw new StoreError(
          `The secret '${name}' would lose keys that components use: ${describeSecretUsers(users)}. Keep those keys, or change the components' config first.`,
        );
      }
      await secrets.#write(row.id, name, next);
      return secrets.describe(name);
    });
  }

  /** Refused while a component's config refers to the secret: names those components. */
  async delete(name: string): Promise<void> {
    await this.#transaction(async (secrets) => {
      await secrets.#existingRow(name);
      const users = await componentsUsingSecret(secrets.#db, name);
      if (users.length > 0) {
        throw new StoreError(
          `The secret '${name}' is used by ${describeSecretUsers(users)}: change their config first (or delete them), then delete the secret.`,
        );
      }
      await secrets.#db.deleteFrom("secrets").where("name", "=", name).execute();
    });
  }

  /** The secret holding the secret config fields of the component `componentId`, if it has one. */
  async findOwned(componentId: string): Promise<{ name: string; values: SecretValues } | undefined> {
    const row = await this.#rows().where("secrets.owner_component_id", "=", componentId).executeTakeFirst();
    return row ? { name: row.name, values: await this.#decrypt(row) } : undefined;
  }

  /**
   * Makes the component's owned secret (`<type>-<name>`) hold `values`: created, renamed with the component,
   * updated, or deleted when `values` is empty. The component's row must exist (the secret refers to it).
   */
  async saveOwned(component: SecretOwner & { id: string }, values: SecretValues): Promise<void> {
    const name = ownedSecretName(component);
    if (Object.keys(values).length > 0) assertSecretValues(name, values);
    await this.#transaction(async (secrets) => {
      const existing = await secrets.#rows().where("secrets.owner_component_id", "=", component.id).executeTakeFirst();
      if (Object.keys(values).length === 0) {
        if (existing) await secrets.#db.deleteFrom("secrets").where("id", "=", existing.id).execute();
      } else if (existing?.name !== name && (await secrets.#row(name))) {
        throw new StoreError(
          `The secret fields of ${component.type} '${component.name}' are kept in the secret '${name}', but a secret of that name already exists: rename or delete that secret, or choose another component name.`,
        );
      } else if (!existing) {
        await secrets.#insert(name, values, component.id);
      } else if (existing.name !== name || !sameValues(await secrets.#decrypt(existing), values)) {
        await secrets.#write(existing.id, name, values);
      }
    });
  }

  async #insert(name: string, values: SecretValues, ownerComponentId: string | null): Promise<void> {
    const key = await this.#keyCheck.key(this.#db, "write");
    const { randomUUID } = await import("node:crypto");
    const now = new Date().toISOString();
    try {
      await this.#db
        .insertInto("secrets")
        .values({
          id: randomUUID(),
          name,
          ciphertext: await encryptText(key, name, JSON.stringify(values)),
          owner_component_id: ownerComponentId,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateError(name);
      throw error;
    }
  }

  async #write(id: string, name: string, values: SecretValues): Promise<void> {
    const key = await this.#keyCheck.key(this.#db, "write");
    await this.#db
      .updateTable("secrets")
      .set({
        name,
        ciphertext: await encryptText(key, name, JSON.stringify(values)),
        updated_at: new Date().toISOString(),
      })
      .where("id", "=", id)
      .execute();
  }

  async #decrypt(row: SecretRow): Promise<SecretValues> {
    return decryptValues(await this.#keyCheck.key(this.#db, "read"), row);
  }

  #rows() {
    return this.#db
      .selectFrom("secrets")
      .leftJoin("components", "components.id", "secrets.owner_component_id")
      .selectAll("secrets")
      .select(["components.type as owner_type", "components.name as owner_name"]);
  }

  async #row(name: string): Promise<SecretRow | undefined> {
    return this.#rows().where("secrets.name", "=", name).executeTakeFirst();
  }

  async #existingRow(name: string): Promise<SecretRow> {
    const row = typeof name === "string" ? await this.#row(name) : undefined;
    if (row) return row;
    const known = (await this.#db.selectFrom("secrets").select("name").execute()).map((secret) => secret.name).sort();
    const listed = known.length === 0 ? "There are no secrets yet" : `Known secrets: ${known.join(", ")}`;
    throw new StoreError(
      `There is no secret named '${String(name)}'. ${listed}. Create one with flavorstack secret create NAME.`,
    );
  }

  async #transaction<T>(work: (secrets: SecretStore) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return work(this);
    return this.#db.transaction().execute((trx) => work(this.withExecutor(trx)));
  }
}

function info(row: SecretRow, values: SecretValues): SecretInfo {
  return {
    name: row.name,
    keys: Object.keys(values).sort(),
    owner: row.owner_type !== null && row.owner_name !== null ? { type: row.owner_type, name: row.owner_name } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function duplicateError(name: string): StoreError {
  return new StoreError(
    `A secret named '${name}' already exists: change it with flavorstack secret update ${name}, or choose another name.`,
  );
}

async function decryptValues(key: SecretsKey, row: SecretRow): Promise<SecretValues> {
  const result = await decryptText(key, row.name, row.ciphertext);
  if (!result.ok) throw undecryptableSecretError(row.name, result);
  const values = parseValues(result.plaintext);
  if (!values) throw undecryptableSecretError(row.name, { ok: false, reason: "malformed" });
  return values;
}

function parseValues(plaintext: string): SecretValues | undefined {
  try {
    const parsed: unknown = JSON.parse(plaintext);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    return Object.values(parsed).every((value) => typeof value === "string") ? (parsed as SecretValues) : undefined;
  } catch {
    return undefined;
  }
}

function sameValues(a: SecretValues, b: SecretValues): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
