import type { StoreDatabase } from "../store/store-database.js";
import type { StackTable } from "../store/store-schema.js";

/** One component of a stack, as the stack's rows tell it. */
export interface StackMemberRow {
  stackId: string;
  type: string;
  id: string;
  name: string;
  flavor: string;
}

/** The `stacks`, `stack_components` and `active_stacks` tables. */
export class StackRows {
  readonly #db: StoreDatabase;

  constructor(db: StoreDatabase) {
    this.#db = db;
  }

  /** Sorted by name. */
  list(): Promise<StackTable[]> {
    return this.#db.selectFrom("stacks").selectAll().orderBy("name").execute();
  }

  find(name: string): Promise<StackTable | undefined> {
    return this.#db.selectFrom("stacks").selectAll().where("name", "=", name).executeTakeFirst();
  }

  /** The components of the given stacks (all stacks when none are given), sorted by type. */
  members(stackIds?: readonly string[]): Promise<StackMemberRow[]> {
    let query = this.#db
      .selectFrom("stack_components")
      .innerJoin("components", "components.id", "stack_components.component_id")
      .select([
        "stack_components.stack_id as stackId",
        "stack_components.type as type",
        "components.id as id",
        "components.name as name",
        "components.flavor as flavor",
      ])
      .orderBy("stack_components.type");
    if (stackIds !== undefined) query = query.where("stack_components.stack_id", "in", [...stackIds]);
    return query.execute();
  }

  async insert(row: StackTable): Promise<void> {
    await this.#db.insertInto("stacks").values(row).execute();
  }

  /** Replaces the stack's components: type → component id. */
  async setMembers(stackId: string, members: ReadonlyMap<string, string>, updatedAt: string): Promise<void> {
    await this.#db.deleteFrom("stack_components").where("stack_id", "=", stackId).execute();
    if (members.size > 0) {
      await this.#db
        .insertInto("stack_components")
        .values([...members].map(([type, componentId]) => ({ stack_id: stackId, type, component_id: componentId })))
        .execute();
    }
    await this.#db.updateTable("stacks").set({ updated_at: updatedAt }).where("id", "=", stackId).execute();
  }

  async delete(id: string): Promise<void> {
    await this.#db.deleteFrom("stacks").where("id", "=", id).execute();
  }

  /** The name of the scope's active stack, if one was set and still exists. */
  async activeName(scope: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom("active_stacks")
      .innerJoin("stacks", "stacks.id", "active_stacks.stack_id")
      .select("stacks.name")
      .where("active_stacks.scope", "=", scope)
      .executeTakeFirst();
    return row?.name;
  }

  async setActive(scope: string, stackId: string): Promise<void> {
    await this.#db
      .insertInto("active_stacks")
      .values({ scope, stack_id: stackId })
      .onConflict((conflict) => conflict.column("scope").doUpdateSet({ stack_id: stackId }))
      .execute();
  }
}
