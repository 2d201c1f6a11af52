import {
  maskSecretFields,
  moveSecretFieldsIntoSecret,
  resolveSecretReferences,
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

/** What the client needs of the secrets store. */
export interface ComponentSecrets {
  secretFieldNames(jsonSchema: Record<string, unknown>): string[];
  ownSecretFields(
    db: StoreDatabase,
    component: ComponentIdentity,
    config: Record<string, unknown>,
    secretFields: readonly string[],
  ): Promise<Record<string, unknown>>;
  resolveReferences(db: StoreDatabase, config: Record<string, unknown>): Promise<Record<string, unknown>>;
  mask(component: Omit<ComponentIdentity, "id">, config: Record<string, unknown>): Record<string, unknown>;
}

export function createComponentSecrets(store: SecretStore): ComponentSecrets {
  return {
    secretFieldNames,
    async ownSecretFields(db, component, config, secretFields) {
      const move = await moveSecretFieldsIntoSecret({
        secrets: store.withExecutor(db),
        component,
        secretFields,
        config,
      });
      await move.apply();
      return move.config;
    },
    resolveReferences: (db, config) => resolveSecretReferences(config, store.withExecutor(db)),
    mask: (component, config) => maskSecretFields(config, component),
  };
}
