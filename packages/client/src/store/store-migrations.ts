import type { Migration } from "kysely/migration";
import * as initial from "./migrations/0001-initial.js";

/**
 * Every migration of the store, in order: a new one gets the next number and is added here (listed statically,
 * so no directory is read at start-up and a bundler sees them all). A migration, once released, never changes.
 */
export const STORE_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  "0001-initial": initial,
});
