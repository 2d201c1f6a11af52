import type { Kysely } from "kysely";
import { StoreError } from "../store/store-error.js";
import type { StoreSchema } from "../store/store-schema.js";
import { type DecryptResult, decryptText, encryptText } from "./secret-cipher.js";
import { SECRETS_KEY_ENV, type SecretsKey, type SecretsKeySource } from "./secrets-key.js";

/** The `store_meta` row holding a fixed text encrypted with the store's key, written with the first secret. */
const SECRETS_KEY_CHECK_META_KEY = "secrets_key_check";
/** Not a possible secret name (':'), so the check's blob never decrypts as a secret. */
const KEY_CHECK_CONTEXT = `store_meta:${SECRETS_KEY_CHECK_META_KEY}`;
const KEY_CHECK_TEXT = "flavorstack secrets key check";

/**
 * Gives the key of a store once it has proven to be the one its secrets were encrypted with
 * (`store_meta.secrets_key_check`), so that a wrong key is a clear error, never garbage.
 */
export class SecretsKeyCheck {
  readonly #source: SecretsKeySource;
  /** The key that decrypted the check, and the check: a store's check is read every time (it may yet be rolled back). */
  #verified: { key: SecretsKey; check: string } | undefined;

  constructor(source: SecretsKeySource) {
    this.#source = source;
  }

  /**
   * The key to decrypt with (`read`) or to encrypt with (`write`: a missing key file is created,
   * and the store's check written with the first secret).
   */
  async key(db: Kysely<StoreSchema>, purpose: "read" | "write"): Promise<SecretsKey> {
    const check = await readCheck(db);
    if (check !== undefined) {
      if (this.#verified?.check === check) return this.#verified.key;
      const key = await this.#source.load({ create: false });
      if (!key) throw missingKeyError(this.#source.origin);
      await assertCheckDecrypts(key, check);
      this.#verified = { key, check };
      return key;
    }
    const key = await this.#source.load({ create: purpose === "write" });
    if (!key) throw missingKeyError(this.#source.origin);
    if (purpose === "write") {
      await db
        .insertInto("store_meta")
        .values({ key: SECRETS_KEY_CHECK_META_KEY, value: await encryptText(key, KEY_CHECK_CONTEXT, KEY_CHECK_TEXT) })
        .onConflict((conflict) => conflict.column("key").doNothing())
        .execute();
      // Another client may have written its check first, with another key.
      const written = await readCheck(db);
      if (written !== undefined) await assertCheckDecrypts(key, written);
    }
    return key;
  }
}

/** The error for a secret that does not decrypt although the key passed the store's check. */
export function undecryptableSecretError(name: string, result: DecryptResult & { ok: false }): StoreError {
  if (result.reason === "newer") {
    return new StoreError(
      `The secret '${name}' was written by a newer flavorstack client: upgrade @flavorstack/client to read it.`,
    );
  }
  return new StoreError(
    `The secret '${name}' cannot be decrypted although the secrets key is right: its stored value was altered or is damaged. Delete it (flavorstack secret delete ${name}) and create it again.`,
  );
}

async function readCheck(db: Kysely<StoreSchema>): Promise<string | undefined> {
  const row = await db
    .selectFrom("store_meta")
    .select("value")
    .where("key", "=", SECRETS_KEY_CHECK_META_KEY)
    .executeTakeFirst();
  return row?.value;
}

async function assertCheckDecrypts(key: SecretsKey, check: string): Promise<void> {
  const result = await decryptText(key, KEY_CHECK_CONTEXT, check);
  if (result.ok && result.plaintext === KEY_CHECK_TEXT) return;
  if (!result.ok && result.reason === "newer") {
    throw new StoreError(
      "The secrets in this store were written by a newer flavorstack client: upgrade @flavorstack/client to read them.",
    );
  }
  const tried =
    key.origin === SECRETS_KEY_ENV
      ? `the key tried is ${SECRETS_KEY_ENV}'s`
      : `the key tried is the one in ${key.origin}`;
  throw new StoreError(
    `The secrets in this store were encrypted with another key; set ${SECRETS_KEY_ENV} to the key used before (${tried}).`,
  );
}

function missingKeyError(keyFile: string): StoreError {
  return new StoreError(
    `The secrets in this store were encrypted with a key that is not here: ${SECRETS_KEY_ENV} is not set and there is no key file ${keyFile}. Set ${SECRETS_KEY_ENV} to the key used before, or put its key file back.`,
  );
}
