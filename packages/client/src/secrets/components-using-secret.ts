import type { Kysely } from "kysely";
import type { StoreSchema } from "../store/store-schema.js";
import { findSecretReferences } from "./secret-references.js";

/** A component whose config refers to a secret. */
export interface SecretUser {
  type: string;
  name: string;
  /** The references, as written: `{{aws.key}}`. */
  references: string[];
}

/**
 * The components whose config refers to the secret `secret` (only to one of `keys`, when given),
 * sorted by type then name.
 */
export async function componentsUsingSecret(
  db: Kysely<StoreSchema>,
  secret: string,
  keys?: readonly string[],
): Promise<SecretUser[]> {
  const rows = await db
    .selectFrom("components")
    .select(["type", "name", "config"])
    // A coarse filter; the references are then read exactly (a '_' in the name is a LIKE wildcard, which only widens it).
    .where("config", "like", `%${secret}%`)
    .execute();
  const users: SecretUser[] = [];
  for (const row of rows) {
    const references = findSecretReferences(JSON.parse(row.config))
      .filter((reference) => reference.secret === secret && (keys === undefined || keys.includes(reference.key)))
      .map((reference) => reference.text);
    if (references.length > 0) users.push({ type: row.type, name: row.name, references: [...new Set(references)] });
  }
  return users.sort((a, b) => compare(a.type, b.type) || compare(a.name, b.name));
}

export function describeSecretUsers(users: readonly SecretUser[]): string {
  return users.map((user) => `${user.type} '${user.name}' (${user.references.join(", ")})`).join(", ");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
