import type { StoreDatabase } from "../store/store-database.js";
import { storeTimestamp } from "../store/store-database.js";

export const DEFAULT_STACK_NAME = "default";
/** The default stack's artifact store: the `local` flavor with its own folder. */
export const DEFAULT_ARTIFACT_STORE = Object.freeze({ type: "artifact_store", name: "default", flavor: "local" });

/**
 * Makes the `default` stack, holding the local artifact store `default`, unless it exists. Every insert gives way
 * to a row another process made first, so concurrent first opens all succeed.
 */
export async function ensureDefaultStack(db: StoreDatabase): Promise<void> {
  const exists = await db.selectFrom("stacks").select("id").where("name", "=", DEFAULT_STACK_NAME).executeTakeFirst();
  if (exists) return;
  await db.transaction().execute(async (trx) => {
    const now = storeTimestamp();
    const { type, name, flavor } = DEFAULT_ARTIFACT_STORE;
    await trx
      .insertInto("components")
      .values({ id: crypto.randomUUID(), type, name, flavor, config: "{}", created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.columns(["type", "name"]).doNothing())
      .execute();
    await trx
      .insertInto("stacks")
      .values({ id: crypto.randomUUID(), name: DEFAULT_STACK_NAME, created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.column("name").doNothing())
      .execute();
    const component = await trx
      .selectFrom("components")
      .select("id")
      .where("type", "=", type)
      .where("name", "=", name)
      .executeTakeFirstOrThrow();
    const stack = await trx
      .selectFrom("stacks")
      .select("id")
      .where("name", "=", DEFAULT_STACK_NAME)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("stack_components")
      .values({ stack_id: stack.id, type, component_id: component.id })
      .onConflict((conflict) => conflict.columns(["stack_id", "type"]).doNothing())
      .execute();
  });
}
