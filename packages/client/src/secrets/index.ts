export {
  type MoveSecretFieldsInput,
  moveSecretFieldsIntoSecret,
  type SecretFieldsMove,
} from "./move-secret-fields-into-secret.js";
export { resolveSecretReferences } from "./resolve-secret-references.js";
export { maskSecretFields, ownedSecretName, SECRET_MASK, type SecretOwner, secretFieldNames } from "./secret-fields.js";
export { findSecretReferences, type SecretReference } from "./secret-references.js";
export {
  createSecretStore,
  type SecretInfo,
  SecretStore,
  type SecretStoreOptions,
  type SecretValues,
} from "./secret-store.js";
export {
  createSecretsKeySource,
  SECRETS_KEY_ENV,
  SECRETS_KEY_FILE_NAME,
  SecretsKey,
  type SecretsKeyOptions,
  type SecretsKeySource,
  secretsKeyFilePath,
} from "./secrets-key.js";
