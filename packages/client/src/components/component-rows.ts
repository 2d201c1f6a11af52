import type { StoreDatabase } from "../store/store-database.js";
import type { ComponentTable } from "../store/store-schema.js";

/** The `components` table, and what refers to its rows. */
export class ComponentRows {
  readonly #db: StoreDatabase;

  constructor(db: StoreDatabase) {
    this.#db = db;
  }

  /** Sorted by type, then name. */
  list(type?: string): Promise<ComponentTable[]> {
    let query = this.#db.selectFrom("components").selectAll().orderBy("type").orderBy("name");
    if (type !== undefined) query = query.where("type", "=", type);
    return query.execute();
  }

  find(type: string, name: string): Promise<ComponentTable | undefined> {
    return this.#db
      .selectFrom("components")
      .selectAll()
      .where("type", "=", type)
      .where("name", "=", name)
      .executeTakeFirst();
  }

  /** The components of any type with this name, sorted by type. */
  named(name: string): Promise<ComponentTable[]> {
    return this.#db.selectFrom("components").selectAll().where("name", "=", name).orderBy("type").execute();
  }

  async insert(row: ComponentTable): Promise<void> {
    await this.#db.insertInto("components").values(row).execute();
  }

  async update(id: string, changes: Pick<ComponentTable, "name" | "config" | "updated_at">): Promise<void> {
    await this.#db.updateTable("components").set(changes).where("id", "=", id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.#db.deleteFrom("components").where("id", "=", id).execute();
  }

  /** The names of the stacks that hold the component, sorted. */
  async stacksUsing(id: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("stack_components")
      .innerJoin("stacks", "stacks.id", "stack_components.stack_id")
      .select("stacks.name")
      .where("stack_components.component_id", "=", id)
      .orderBy("stacks.name")
      .execute();
    return rows.map((row) => row.name);
  }
}
