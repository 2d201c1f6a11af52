import { ComponentRows } from "../components/component-rows.js";
import { commandOf, withArticle } from "../components/component-type-words.js";
import type { FlavorCatalog } from "../flavors/flavor-catalog.js";
import type { StoreDatabase } from "../store/store-database.js";
import { StoreError } from "../store/store-error.js";

/**
 * The component ids a stack is to hold, by type, from the component names the user gave (`null` removes a type
 * from `current`). Refuses a name that no component of that type has (naming the type it does have, if any), an
 * unknown type, and a stack without an artifact store.
 */
export async function resolveStackMembers(
  db: StoreDatabase,
  catalog: FlavorCatalog,
  stackName: string,
  components: Readonly<Record<string, string | null | undefined>>,
  current: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, string>> {
  const rows = new ComponentRows(db);
  const members = new Map(current);
  for (const [type, name] of Object.entries(components)) {
    if (name === undefined) continue;
    if (name === null) {
      members.delete(type);
      continue;
    }
    const row = await rows.find(type, name);
    if (row === undefined) throw await unknownComponent(rows, catalog, type, name);
    members.set(type, row.id);
  }
  if (!members.has("artifact_store")) {
    throw new StoreError(
      `Stack '${stackName}' needs an artifact store: give one (\`-a NAME\`, e.g. \`-a default\` for the local one).`,
    );
  }
  return members;
}

async function unknownComponent(rows: ComponentRows, catalog: FlavorCatalog, type: string, name: string) {
  await catalog.checkType(type);
  const sameName = await rows.named(name);
  if (sameName.length > 0) {
    const types = sameName.map((row) => withArticle(row.type)).join(" and ");
    return new StoreError(
      `Component '${name}' is ${types} component, not ${withArticle(type)}: a stack's ${type} must be ${withArticle(type)} component. Pick one from \`flavorstack ${commandOf(type)} list\`.`,
    );
  }
  const known = (await rows.list(type)).map((row) => row.name);
  return new StoreError(
    `No ${type} named '${name}'. ${known.length > 0 ? `Known ${type} components: ${known.join(", ")}. ` : ""}Register it first (\`flavorstack ${commandOf(type)} register ${name} --flavor FLAVOR\`).`,
  );
}
