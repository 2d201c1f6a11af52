// @flavorstack/client: the store of components, stacks and the active stack, in SQLite on one machine
// or PostgreSQL for a team.

export type { BuildInput, BuildOutcome } from "./builds/build-with-reuse.js";
export {
  Client,
  type ClientOptions,
  type ComponentChanges,
  type RegisterComponentInput,
  type RegisterStackInput,
} from "./client.js";
export type { ComponentRecord } from "./components/component-record.js";
export type { IntegrationInfo } from "./flavors/flavor-catalog.js";
export {
  SECRET_MASK,
  SECRETS_KEY_ENV,
  type SecretInfo,
  type SecretStore,
  type SecretValues,
} from "./secrets/index.js";
export { ACTIVE_SCOPE_ENV, activeStackScope } from "./stacks/active-stack-scope.js";
export { DEFAULT_ARTIFACT_STORE, DEFAULT_STACK_NAME } from "./stacks/ensure-default-stack.js";
export type { StackMember, StackRecord } from "./stacks/stack-record.js";
export { MAX_NAME_LENGTH } from "./store/check-name.js";
export { StoreError } from "./store/store-error.js";
export {
  HOME_ENV,
  LOCAL_STORE_DIR,
  redactStoreUrl,
  resolveStoreLocation,
  SQLITE_FILE_NAME,
  STORE_URL_ENV,
  type StoreLocation,
  type StoreLocationOptions,
} from "./store/store-location.js";
