import {
  maskSecretFields,
  moveSecretFieldsIntoSecret,
  resolveSecretReferences,
  type SecretFieldsMove,
  type SecretStore,
  secretFieldNames,
} from "./secrets/index.js";
import type { StoreDatabase } from "./store/store-database.js";

/** The component a config belongs to. */
interface ComponentIdentity {
  id: string;
  type: string;
  name: string;
}

/** What the client needs of the secrets store, bound to the executor (a transaction) each call names. */
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

export function createComponentSecrets(store: SecretStore): ComponentSecrets {
  return {
    secretFieldNames,
    moveSecretFields: (db, component, config, secretFields) =>
      moveSecretFieldsIntoSecret({ secrets: store.withExecutor(db), component, secretFields, config }),
    resolveReferences: (db, config) => resolveSecretReferences(config, store.withExecutor(db)),
    mask: (component, config) => maskSecretFields(config, component),
  };
}
