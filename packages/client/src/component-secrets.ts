// STUB until src/secrets/ (wt-secrets) lands: the client calls secrets only through this interface. At the merge,
// createComponentSecrets() becomes a thin adapter over the real SecretStore and its helpers, and the stub bodies
// below go. The stub stores no secret at all: a plain value in a secret field, or a {{name.key}} reference, is
// refused, so nothing is ever written in clear text.

import type { StoreDatabase } from "./store/store-database.js";
import { StoreError } from "./store/store-error.js";

/** The component a config belongs to. */
interface ComponentIdentity {
  id: string;
  type: string;
  name: string;
}

/** A config with its secret fields taken out, and the write that keeps them. */
interface SecretFieldsMove {
  config: Record<string, unknown>;
  apply(): Promise<void>;
}

/** What the client needs of the secrets store. */
export interface ComponentSecrets {
  /** The top-level config fields a flavor's JSON Schema marks secret (`writeOnly: true`). */
  secretFieldNames(jsonSchema: Record<string, unknown>): string[];
  /**
   * Takes the plain values of the secret fields out of the config: the returned config holds references to the
   * component's own secret (`<type>-<name>`, owned by its id) in their place, every other value as it was.
   * `apply()` writes that secret (made, updated, renamed or deleted) through `db`, after the component's row.
   */
  moveSecretFields(
    db: StoreDatabase,
    component: ComponentIdentity,
    config: Record<string, unknown>,
    secretFields: readonly string[],
  ): Promise<SecretFieldsMove>;
  /** The config with every `{{name.key}}` resolved; an unknown secret or key is a StoreError naming the reference. */
  resolveReferences(db: StoreDatabase, config: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The config for display: the component's own secret fields as `********`, user references kept. */
  mask(component: Omit<ComponentIdentity, "id">, config: Record<string, unknown>): Record<string, unknown>;
}

const REFERENCE = /\{\{\s*[^{}\s]+\s*\}\}/;

export function createComponentSecrets(): ComponentSecrets {
  return {
    secretFieldNames: (jsonSchema) =>
      Object.entries((jsonSchema.properties ?? {}) as Record<string, { writeOnly?: boolean }>)
        .filter(([, property]) => property.writeOnly === true)
        .map(([name]) => name),
    async moveSecretFields(_db, component, config, secretFields) {
      const given = secretFields.filter((field) => config[field] !== undefined);
      if (given.length > 0) {
        throw new StoreError(
          `Secret fields (${given.join(", ")}) of ${component.type} '${component.name}' cannot be stored yet: this build has no secrets store.`,
        );
      }
      return { config, apply: async () => {} };
    },
    async resolveReferences(_db, config) {
      if (REFERENCE.test(JSON.stringify(config))) {
        throw new StoreError(
          "Secret references ({{name.key}}) cannot be resolved yet: this build has no secrets store.",
        );
      }
      return config;
    },
    mask: (_component, config) => config,
  };
}
