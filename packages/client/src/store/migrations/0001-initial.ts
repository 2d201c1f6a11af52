import type { Kysely } from "kysely";

// Migrations see the database as it was when they were written, not as `StoreSchema` says it is now.
// biome-ignore lint/suspicious/noExplicitAny: see above.
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable("store_meta")
    .addColumn("key", "text", (column) => column.primaryKey())
    .addColumn("value", "text", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("components")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("type", "text", (column) => column.notNull())
    .addColumn("flavor", "text", (column) => column.notNull())
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("config", "text", (column) => column.notNull())
    .addColumn("created_at", "text", (column) => column.notNull())
    .addColumn("updated_at", "text", (column) => column.notNull())
    .addUniqueConstraint("components_type_name_unique", ["type", "name"])
    .execute();

  await db.schema
    .createTable("stacks")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("name", "text", (column) => column.notNull().unique())
    .addColumn("created_at", "text", (column) => column.notNull())
    .addColumn("updated_at", "text", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("stack_components")
    .addColumn("stack_id", "text", (column) => column.notNull().references("stacks.id").onDelete("cascade"))
    .addColumn("type", "text", (column) => column.notNull())
    .addColumn("component_id", "text", (column) => column.notNull().references("components.id").onDelete("restrict"))
    .addPrimaryKeyConstraint("stack_components_pk", ["stack_id", "type"])
    .execute();
  await db.schema.createIndex("stack_components_component_id").on("stack_components").column("component_id").execute();

  await db.schema
    .createTable("active_stacks")
    .addColumn("scope", "text", (column) => column.primaryKey())
    .addColumn("stack_id", "text", (column) => column.notNull().references("stacks.id").onDelete("cascade"))
    .execute();

  await db.schema
    .createTable("secrets")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("name", "text", (column) => column.notNull().unique())
    .addColumn("ciphertext", "text", (column) => column.notNull())
    .addColumn("owner_component_id", "text", (column) => column.references("components.id").onDelete("cascade"))
    .addColumn("created_at", "text", (column) => column.notNull())
    .addColumn("updated_at", "text", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("builds")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("stack_id", "text", (column) => column.references("stacks.id").onDelete("set null"))
    .addColumn("registry", "text", (column) => column.notNull())
    .addColumn("checksum", "text", (column) => column.notNull())
    .addColumn("image", "text", (column) => column.notNull())
    .addColumn("created_at", "text", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("builds_checksum").on("builds").columns(["checksum", "registry"]).execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  for (const table of [
    "builds",
    "secrets",
    "active_stacks",
    "stack_components",
    "stacks",
    "components",
    "store_meta",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
