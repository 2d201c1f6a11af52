import type { Kysely } from "kysely";
import type { StoreSchema } from "../store/store-schema.js";

export interface BuildRecord {
  id: string;
  stackId: string | null;
  registry: string;
  checksum: string;
  image: string;
  createdAt: string;
}

/** Past builds with this checksum for this stack and registry, newest first. */
export async function findBuilds(
  db: Kysely<StoreSchema>,
  where: { checksum: string; registry: string; stackId: string },
): Promise<BuildRecord[]> {
  const rows = await db
    .selectFrom("builds")
    .selectAll()
    .where("checksum", "=", where.checksum)
    .where("registry", "=", where.registry)
    .where("stack_id", "=", where.stackId)
    .orderBy("created_at", "desc")
    .limit(20)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    stackId: row.stack_id,
    registry: row.registry,
    checksum: row.checksum,
    image: row.image,
    createdAt: row.created_at,
  }));
}

export async function recordBuild(
  db: Kysely<StoreSchema>,
  build: { checksum: string; registry: string; stackId: string; image: string },
): Promise<void> {
  await db
    .insertInto("builds")
    .values({
      id: crypto.randomUUID(),
      stack_id: build.stackId,
      registry: build.registry,
      checksum: build.checksum,
      image: build.image,
      created_at: new Date().toISOString(),
    })
    .execute();
}
