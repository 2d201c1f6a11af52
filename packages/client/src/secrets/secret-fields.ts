import { parseSecretReference } from "./secret-references.js";

/** What describe and list show for a secret field's value. */
export const SECRET_MASK = "********";

/** A component as its owned secret knows it. */
export interface SecretOwner {
  type: string;
  name: string;
}

/** The config fields a flavor marks secret: top-level properties whose JSON Schema says `writeOnly: true`. */
export function secretFieldNames(jsonSchema: Record<string, unknown>): string[] {
  const properties = jsonSchema.properties;
  if (typeof properties !== "object" || properties === null) return [];
  return Object.entries(properties)
    .filter(
      ([, schema]) =>
        typeof schema === "object" && schema !== null && (schema as Record<string, unknown>).writeOnly === true,
    )
    .map(([name]) => name);
}

/** The secret that holds a component's secret fields: `<type>-<component name>`. */
export function ownedSecretName(owner: SecretOwner): string {
  return `${owner.type}-${owner.name}`;
}

/**
 * The config as describe and list show it: the values the component's owned secret holds are `********`,
 * and so is a plain value in one of `secretFields`; references to other secrets stay readable (`{{aws.key}}`).
 * Needs no flavor: a stored config holds its secret fields as references to the owned secret.
 */
export function maskSecretFields(
  config: Record<string, unknown>,
  owner: SecretOwner,
  secretFields: readonly string[] = [],
): Record<string, unknown> {
  const owned = ownedSecretName(owner);
  return Object.fromEntries(
    Object.entries(config).map(([field, value]) => {
      const reference = parseSecretReference(value);
      const masked = reference ? reference.secret === owned : secretFields.includes(field) && value !== undefined;
      return [field, masked ? SECRET_MASK : value];
    }),
  );
}
