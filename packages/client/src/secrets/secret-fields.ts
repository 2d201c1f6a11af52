export { secretFieldNames } from "@flavorstack/core/secret-fields";

import { parseSecretReference } from "./secret-references.js";

/** What describe and list show for a secret field's value. */
export const SECRET_MASK = "********";

/** A component as its owned secret knows it. */
export interface SecretOwner {
  type: string;
  name: string;
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
