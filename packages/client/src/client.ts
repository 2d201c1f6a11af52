import { fileURLToPath } from "node:url";
import type { AnyFlavor, IntegrationProblem, Logger, Stack, StackComponentType } from "@flavorstack/core";
import type { BuildInput, BuildOutcome } from "./builds/build-with-reuse.js";
import { type ComponentSecrets, createComponentSecrets } from "./component-secrets.js";
import { type ComponentRecord, storedConfig, toComponentRecord } from "./components/component-record.js";
import { ComponentRows } from "./components/component-rows.js";
import { commandOf, withArticle } from "./components/component-type-words.js";
import { FlavorCatalog, type IntegrationInfo } from "./flavors/flavor-catalog.js";
import { createSecretStore, createSecretsKeySource, type SecretStore } from "./secrets/index.js";
import { activeStackScope } from "./stacks/active-stack-scope.js";
import { DEFAULT_STACK_NAME, ensureDefaultStack } from "./stacks/ensure-default-stack.js";
import { resolveStackMembers } from "./stacks/resolve-stack-members.js";
import { type StackRecord, toStackRecord } from "./stacks/stack-record.js";
import { StackRows } from "./stacks/stack-rows.js";
import { checkName } from "./store/check-name.js";
import { migrateStore } from "./store/migrate-store.js";
import { openStoreDatabase } from "./store/open-store-database.js";
import { type StoreDatabase, storeTimestamp } from "./store/store-database.js";
import { StoreError } from "./store/store-error.js";
import { isUniqueViolation, storeFailure } from "./store/store-failure.js";
import { resolveStoreLocation, type StoreLocation } from "./store/store-location.js";

/** The client's package folder: discovery finds the integrations installed beside it. */
const CLIENT_PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

export interface ClientOptions {
  /** `sqlite:PATH`, a path, or `postgres://…`; default `FLAVORSTACK_STORE_URL`, then the local SQLite store. */
  url?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where integration warnings go; core's console logger (stderr) by default. */
  logger?: Logger;
  /** Where to discover integration packages; default: the client's own package folder and `cwd`. */
  integrationSearchDirs?: readonly string[];
}

export interface RegisterComponentInput {
  type: StackComponentType;
  flavor: string;
  name: string;
  config?: Record<string, unknown>;
}

export interface ComponentChanges {
  /** Merged over the stored config; a field set to `null` is removed. */
  config?: Record<string, unknown>;
  name?: string;
}

export interface RegisterStackInput {
  name: string;
  /** Component names by type. */
  components: Partial<Record<StackComponentType, string>>;
}

interface ClientInit {
  db: StoreDatabase;
  location: StoreLocation;
  scope: string;
  catalog: FlavorCatalog;
  secrets: SecretStore;
}

/**
 * The flavorstack store: components, stacks and the active stack, in SQLite on one machine or PostgreSQL for a
 * team. Open it with `Client.open()`. Listing and describing never load a flavor; registering, updating and
 * making stacks discover the installed integrations on first use. A refused change changes nothing.
 */
export class Client {
  /** Where the store is; its `display` never holds a password. */
  readonly location: StoreLocation;
  readonly #db: StoreDatabase;
  readonly #scope: string;
  readonly #catalog: FlavorCatalog;
  readonly #secrets: ComponentSecrets;
  /** The store's secrets: create, list, describe, get, update, delete. */
  readonly secrets: SecretStore;

  /** Use `Client.open()`. */
  constructor(init: ClientInit) {
    this.location = init.location;
    this.#db = init.db;
    this.#scope = init.scope;
    this.#catalog = init.catalog;
    this.secrets = init.secrets;
    this.#secrets = createComponentSecrets(init.secrets);
  }

  /** Opens (and if needed creates or migrates) the store, with its `default` stack. */
  static async open(options: ClientOptions = {}): Promise<Client> {
    const env = options.env ?? process.env;
    const cwd = options.cwd ?? process.cwd();
    const location = resolveStoreLocation({ url: options.url, cwd, env });
    const db = await openStoreDatabase(location);
    try {
      await migrateStore(db, location);
      await ensureDefaultStack(db);
    } catch (error) {
      await db.destroy();
      throw storeFailure(location, error, "open");
    }
    const searchDirs = options.integrationSearchDirs ?? [CLIENT_PACKAGE_DIR, cwd];
    return new Client({
      db,
      location,
      scope: activeStackScope(env),
      catalog: new FlavorCatalog({ searchDirs, logger: options.logger }),
      secrets: createSecretStore({ db, key: createSecretsKeySource({ location, env, cwd }) }),
    });
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  // Flavors and integrations: these load core and discover the installed integrations (once).

  integrations(): Promise<IntegrationInfo[]> {
    return this.#catalog.integrations();
  }

  /** The integration packages that were found but failed to load. */
  integrationProblems(): Promise<IntegrationProblem[]> {
    return this.#catalog.problems();
  }

  flavors(type?: StackComponentType): Promise<AnyFlavor[]> {
    return this.#catalog.flavors(type);
  }

  flavor(type: StackComponentType, name: string): Promise<AnyFlavor> {
    return this.#catalog.flavor(type, name);
  }

  // Components

  /** Validates the config with the flavor's schema (every issue at once) and stores it. */
  async registerComponent(input: RegisterComponentInput): Promise<ComponentRecord> {
    const { type, name } = input;
    checkName("component", name);
    const flavor = await this.#catalog.flavor(type, input.flavor);
    const secretFields = this.#secrets.secretFieldNames(flavor.jsonSchema());
    const config = input.config ?? {};
    return this.#write("register", async (trx) => {
      const rows = new ComponentRows(trx);
      const existing = await rows.find(type, name);
      if (existing) throw duplicateComponent(type, name, existing.flavor);
      flavor.parseConfig(await this.#secrets.resolveReferences(trx, config));
      const id = crypto.randomUUID();
      const move = await this.#secrets.moveSecretFields(trx, { id, type, name }, config, secretFields);
      const now = storeTimestamp();
      const row = {
        id,
        type,
        flavor: flavor.name,
        name,
        config: JSON.stringify(move.config),
        created_at: now,
        updated_at: now,
      };
      await rows.insert(row).catch((error: unknown) => {
        throw isUniqueViolation(error) ? duplicateComponent(type, name, flavor.name) : error;
      });
      await move.apply();
      return this.#componentRecord(row);
    });
  }

  /** Merges `changes.config` over the stored config, validates the result, and renames on `changes.name`. */
  async updateComponent(type: StackComponentType, name: string, changes: ComponentChanges): Promise<ComponentRecord> {
    const newName = changes.name ?? name;
    checkName("component", newName);
    const current = await this.#requireComponent(this.#db, type, name);
    const flavor = await this.#catalog.flavor(type, current.flavor);
    const secretFields = this.#secrets.secretFieldNames(flavor.jsonSchema());
    return this.#write("update", async (trx) => {
      const rows = new ComponentRows(trx);
      const row = await this.#requireComponent(trx, type, name);
      if (newName !== name && (await rows.find(type, newName))) throw duplicateComponent(type, newName, row.flavor);
      const config = storedConfig(row);
      for (const [field, value] of Object.entries(changes.config ?? {})) {
        if (value === null) delete config[field];
        else config[field] = value;
      }
      flavor.parseConfig(await this.#secrets.resolveReferences(trx, config));
      const move = await this.#secrets.moveSecretFields(trx, { id: row.id, type, name: newName }, config, secretFields);
      const changed = { name: newName, config: JSON.stringify(move.config), updated_at: storeTimestamp() };
      const updated = { ...row, ...changed };
      await rows.update(row.id, changed).catch((error: unknown) => {
        throw isUniqueViolation(error) ? duplicateComponent(type, newName, row.flavor) : error;
      });
      await move.apply();
      return this.#componentRecord(updated);
    });
  }

  /** Sorted by type, then name; secret fields masked. */
  async listComponents(type?: StackComponentType): Promise<ComponentRecord[]> {
    const rows = await this.#read(() => new ComponentRows(this.#db).list(type));
    if (rows.length === 0 && type !== undefined) await this.#catalog.checkType(type);
    return rows.map((row) => this.#componentRecord(row));
  }

  async getComponent(type: StackComponentType, name: string): Promise<ComponentRecord> {
    return this.#componentRecord(await this.#requireComponent(this.#db, type, name));
  }

  /** Refused while a stack holds the component (the message names the stacks). Its own secret goes with it. */
  async deleteComponent(type: StackComponentType, name: string): Promise<void> {
    await this.#write("delete", async (trx) => {
      const rows = new ComponentRows(trx);
      const row = await this.#requireComponent(trx, type, name);
      const stacks = await rows.stacksUsing(row.id);
      if (stacks.length > 0) {
        const names = stacks.map((stack) => `'${stack}'`).join(", ");
        throw new StoreError(
          `Cannot delete ${type} '${name}': stack${stacks.length === 1 ? "" : "s"} ${names} use${stacks.length === 1 ? "s" : ""} it. Give ${stacks.length === 1 ? "that stack" : "those stacks"} another ${type} (\`flavorstack stack update\`) or delete ${stacks.length === 1 ? "it" : "them"} first.`,
        );
      }
      await rows.delete(row.id);
    });
  }

  // Stacks

  async registerStack(input: RegisterStackInput): Promise<StackRecord> {
    const { name } = input;
    checkName("stack", name);
    return this.#write("register", async (trx) => {
      const stacks = new StackRows(trx);
      if (await stacks.find(name)) throw duplicateStack(name);
      const members = await resolveStackMembers(trx, this.#catalog, name, input.components);
      const now = storeTimestamp();
      const id = crypto.randomUUID();
      await stacks.insert({ id, name, created_at: now, updated_at: now }).catch((error: unknown) => {
        throw isUniqueViolation(error) ? duplicateStack(name) : error;
      });
      await stacks.setMembers(id, members, now);
      return this.#stackRecord(trx, name);
    });
  }

  /** Sorted by name, each with its components and whether it is this scope's active stack. */
  async listStacks(): Promise<StackRecord[]> {
    return this.#read(async () => {
      const stacks = new StackRows(this.#db);
      const [rows, members, active] = await Promise.all([stacks.list(), stacks.members(), this.#activeName(this.#db)]);
      return rows.map((row) => toStackRecord(row, members, active));
    });
  }

  /** The named stack, or the active one. */
  async getStackRecord(name?: string): Promise<StackRecord> {
    return this.#read(async () => this.#stackRecord(this.#db, name ?? (await this.#activeName(this.#db))));
  }

  /** Sets or (with `null`) removes components by type; the artifact store cannot be removed. */
  async updateStack(
    name: string,
    components: Partial<Record<StackComponentType, string | null>>,
  ): Promise<StackRecord> {
    return this.#write("update", async (trx) => {
      const stacks = new StackRows(trx);
      const row = await requireStack(stacks, name);
      const current = new Map((await stacks.members([row.id])).map((member) => [member.type, member.id]));
      const members = await resolveStackMembers(trx, this.#catalog, name, components, current);
      await stacks.setMembers(row.id, members, storeTimestamp());
      return this.#stackRecord(trx, name);
    });
  }

  /** Makes the stack active for this scope (this user on this machine, or `FLAVORSTACK_ACTIVE_SCOPE`). */
  async setActiveStack(name: string): Promise<StackRecord> {
    return this.#write("update", async (trx) => {
      const stacks = new StackRows(trx);
      await stacks.setActive(this.#scope, (await requireStack(stacks, name)).id);
      return this.#stackRecord(trx, name);
    });
  }

  /** `default` when this scope has set none. */
  activeStackName(): Promise<string> {
    return this.#read(() => this.#activeName(this.#db));
  }

  /** Refused for `default` and for this scope's active stack. */
  async deleteStack(name: string): Promise<void> {
    if (name === DEFAULT_STACK_NAME) {
      throw new StoreError(`The '${DEFAULT_STACK_NAME}' stack cannot be deleted: it is what a store falls back to.`);
    }
    await this.#write("delete", async (trx) => {
      const stacks = new StackRows(trx);
      const row = await requireStack(stacks, name);
      if ((await this.#activeName(trx)) === name) {
        throw new StoreError(
          `Stack '${name}' is the active stack: make another one active first (\`flavorstack stack set ${DEFAULT_STACK_NAME}\`), then delete it.`,
        );
      }
      await stacks.delete(row.id);
    });
  }

  /** The stack (default: the active one) with live components, secrets resolved, validated. */
  async getStack(name?: string): Promise<Stack> {
    return this.#liveStack(await this.getStackRecord(name));
  }

  async #liveStack(record: StackRecord): Promise<Stack> {
    const core = await this.#catalog.core();
    const components = await Promise.all(
      Object.entries(record.components).map(async ([type, member]) => {
        const row = await this.#requireComponent(this.#db, type as StackComponentType, member.name);
        const flavor = await this.#catalog.flavor(type, row.flavor);
        const config = await this.#read(() => this.#secrets.resolveReferences(this.#db, storedConfig(row)));
        return flavor.createComponent({ id: row.id, name: row.name, config });
      }),
    );
    const stack = core.createStack({ id: record.id, name: record.name, components });
    stack.validate();
    return stack;
  }

  /**
   * Builds `input.contextDir` with the stack's image builder and pushes to its registry, or reuses an earlier
   * build's image when the build checksum matches and the registry still has it (see `buildWithReuse`).
   */
  async build(input: BuildInput): Promise<BuildOutcome> {
    const record = await this.getStackRecord(input.stack);
    const stack = await this.#liveStack(record);
    const builder = record.components.image_builder;
    // The stored config: secret fields hold references there, never values, so the checksum holds no secret.
    const builderConfig = builder
      ? storedConfig(await this.#requireComponent(this.#db, "image_builder", builder.name))
      : {};
    const { buildWithReuse } = await import("./builds/build-with-reuse.js");
    return buildWithReuse(this.#db, { stack, stackId: record.id, builderConfig }, input);
  }

  async #activeName(db: StoreDatabase): Promise<string> {
    return (await new StackRows(db).activeName(this.#scope)) ?? DEFAULT_STACK_NAME;
  }

  async #stackRecord(db: StoreDatabase, name: string): Promise<StackRecord> {
    const stacks = new StackRows(db);
    const row = await requireStack(stacks, name);
    return toStackRecord(row, await stacks.members([row.id]), await this.#activeName(db));
  }

  async #requireComponent(db: StoreDatabase, type: StackComponentType, name: string) {
    const rows = new ComponentRows(db);
    const row = await this.#read(() => rows.find(type, name));
    if (row) return row;
    await this.#catalog.checkType(type);
    const known = (await rows.list(type)).map((other) => other.name);
    throw new StoreError(
      `No ${type} named '${name}'. ${known.length > 0 ? `Known ${type} components: ${known.join(", ")}.` : `No ${type} is registered.`} See \`flavorstack ${commandOf(type)} list\`.`,
    );
  }

  #componentRecord(row: Parameters<typeof toComponentRecord>[0]): ComponentRecord {
    return toComponentRecord(row, this.#secrets.mask(row, storedConfig(row)));
  }

  async #read<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw storeFailure(this.location, error, "read");
    }
  }

  /** One transaction: everything or, on any refusal or failure, nothing. */
  async #write<T>(doing: string, work: (trx: StoreDatabase) => Promise<T>): Promise<T> {
    try {
      return await this.#db.transaction().execute(work);
    } catch (error) {
      throw storeFailure(this.location, error, `${doing} in`);
    }
  }
}

async function requireStack(stacks: StackRows, name: string) {
  const row = await stacks.find(name);
  if (row) return row;
  const known = (await stacks.list()).map((stack) => stack.name);
  throw new StoreError(`No stack named '${name}'. Known stacks: ${known.join(", ")}.`);
}

function duplicateComponent(type: string, name: string, flavor: string): StoreError {
  return new StoreError(
    `${capitalized(withArticle(type))} named '${name}' already exists (flavor '${flavor}'). Pick another name, or change it with \`flavorstack ${commandOf(type)} update ${name}\`.`,
  );
}

function duplicateStack(name: string): StoreError {
  return new StoreError(
    `A stack named '${name}' already exists. Pick another name, or change it with \`flavorstack stack update ${name}\`.`,
  );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
