/** The store's tables as Kysely sees them. Timestamps are ISO-8601 strings in both dialects. */
export interface StoreSchema {
  store_meta: StoreMetaTable;
  components: ComponentTable;
  stacks: StackTable;
  stack_components: StackComponentTable;
  active_stacks: ActiveStackTable;
  secrets: SecretTable;
  builds: BuildTable;
}

/** Facts about the store itself, e.g. `secrets_key_check`. */
interface StoreMetaTable {
  key: string;
  value: string;
}

export interface ComponentTable {
  id: string;
  type: string;
  flavor: string;
  /** Unique per type. */
  name: string;
  /** JSON of the config as the user wrote it: secret fields hold `{{secret.key}}` references, never values. */
  config: string;
  created_at: string;
  updated_at: string;
}

export interface StackTable {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

/** One row per component of a stack: at most one per type. */
interface StackComponentTable {
  stack_id: string;
  type: string;
  component_id: string;
}

/** The active stack of one scope (a user on a machine, see `activeStackScope`); none means `default`. */
interface ActiveStackTable {
  scope: string;
  stack_id: string;
}

interface SecretTable {
  id: string;
  name: string;
  /** AES-256-GCM of the JSON of the secret's values. */
  ciphertext: string;
  /** The component whose secret config fields this secret holds; deleted with it. */
  owner_component_id: string | null;
  created_at: string;
  updated_at: string;
}

interface BuildTable {
  id: string;
  stack_id: string | null;
  /** The container registry's URI the image was pushed to. */
  registry: string;
  checksum: string;
  /** The pushed image reference, with its digest. */
  image: string;
  created_at: string;
}
