import type { Kysely } from "kysely";
import type { StoreSchema } from "./store-schema.js";

/** The store's database, or a transaction on it (a Kysely `Transaction` is a `Kysely`). */
export type StoreDatabase = Kysely<StoreSchema>;

/** Now, as the store writes timestamps: ISO-8601 in UTC. */
export function storeTimestamp(): string {
  return new Date().toISOString();
}
