import { ConfigError } from "@flavorstack/core/errors";
import { ownedSecretName, SECRET_MASK, type SecretOwner } from "./secret-fields.js";
import { parseSecretReference, secretReference } from "./secret-references.js";
import type { SecretStore, SecretValues } from "./secret-store.js";

export interface MoveSecretFieldsInput {
  /** Bound to the transaction that writes the component's row: `secrets.withExecutor(trx)`. */
  secrets: SecretStore;
  /** The component being registered or updated (its new name, when renamed). */
  component: SecretOwner & { id: string };
  /** `secretFieldNames(flavor.jsonSchema())`. */
  secretFields: readonly string[];
  /** The whole config to store: on update, the changes merged over the stored config. */
  config: Record<string, unknown>;
}

export interface SecretFieldsMove {
  /** The config for the component's row: secret fields hold `{{<type>-<name>.<field>}}` or the user's own references. */
  config: Record<string, unknown>;
  /** Writes the owned secret (created, updated, renamed or deleted); call it after the component's row is written. */
  apply(): Promise<void>;
}

/**
 * Takes the plain values out of a config's secret fields: they go into the component's owned secret
 * `<type>-<name>` (key = field name) and the config gets a reference to it. A `{{name.key}}` the user wrote
 * is kept as is; a reference to the owned secret (a stored config's) keeps its value. The owned secret ends
 * up holding exactly the config's plain secret values, so a field left out is removed from it.
 */
export async function moveSecretFieldsIntoSecret(input: MoveSecretFieldsInput): Promise<SecretFieldsMove> {
  const { secrets, component, secretFields } = input;
  const ownedName = ownedSecretName(component);
  const existing = await secrets.findOwned(component.id);
  const owned: SecretValues = {};
  const config: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input.config)) {
    config[field] = value;
    if (!secretFields.includes(field) || value === undefined) continue;
    const reference = parseSecretReference(value);
    if (reference) {
      // A reference to the owned secret (from the stored config) keeps its value; the user's own stays as written.
      if (existing?.name === reference.secret && Object.hasOwn(existing.values, reference.key)) {
        owned[field] = existing.values[reference.key] as string;
        config[field] = secretReference(ownedName, field);
      }
    } else if (typeof value !== "string") {
      throw new ConfigError(
        `The secret field '${field}' of ${component.type} '${component.name}' holds ${value === null ? "null" : `a ${typeof value}`}: secret fields take text, or a {{secret.key}} reference.`,
      );
    } else if (value === SECRET_MASK) {
      throw new ConfigError(
        `The secret field '${field}' of ${component.type} '${component.name}' holds the mask ${SECRET_MASK}, not a value: give the value, or leave the field out of the update to keep the stored one.`,
      );
    } else {
      owned[field] = value;
      config[field] = secretReference(ownedName, field);
    }
  }
  return { config, apply: () => secrets.saveOwned(component, owned) };
}
