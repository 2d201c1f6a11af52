import type {
  AnyFlavor,
  FlavorRegistry,
  IntegrationProblem,
  IntegrationRegistry,
  Logger,
  StackComponentType,
} from "@flavorstack/core";
import { withArticle } from "../components/component-type-words.js";
import { StoreError } from "../store/store-error.js";

type Core = typeof import("@flavorstack/core");

/** An installed integration, as `flavorstack integration list` shows it. */
export interface IntegrationInfo {
  name: string;
  requirements: string[];
  /** `type/name` of each flavor it provides. */
  flavors: string[];
  /** Whether every requirement resolves. */
  installed: boolean;
}

export interface FlavorCatalogOptions {
  /** Where discovery looks for integration packages (each dir's node_modules and their parents'). */
  searchDirs: readonly string[];
  logger?: Logger;
}

/**
 * The flavors of the installed integrations. Nothing is loaded until a flavor is needed: then core (and with it
 * zod) is imported and the integration packages are discovered, once. A package that fails to load is kept in
 * `problems()` and hides no other.
 */
export class FlavorCatalog {
  readonly #options: FlavorCatalogOptions;
  #loaded: Promise<{ core: Core; flavors: FlavorRegistry; integrations: IntegrationRegistry }> | undefined;

  constructor(options: FlavorCatalogOptions) {
    this.#options = options;
  }

  /** Core's "." entry, loaded once. */
  async core(): Promise<Core> {
    return (await this.#load()).core;
  }

  async integrations(): Promise<IntegrationInfo[]> {
    const { integrations } = await this.#load();
    return Promise.all(
      integrations.list().map(async (integration) => ({
        name: integration.name,
        requirements: [...integration.requirements],
        flavors: (await integration.flavors()).map((flavor) => `${flavor.type}/${flavor.name}`),
        installed: await integration.isInstalled(),
      })),
    );
  }

  async problems(): Promise<IntegrationProblem[]> {
    return (await this.#load()).integrations.problems();
  }

  /** Sorted by type, then name. An unknown type is refused, listing the known ones. */
  async flavors(type?: string): Promise<AnyFlavor[]> {
    const { flavors } = await this.#load();
    if (type !== undefined) await this.checkType(type);
    return flavors.list(type as StackComponentType | undefined);
  }

  /** An unknown type or flavor is refused, listing the known ones. */
  async flavor(type: string, name: string): Promise<AnyFlavor> {
    const { flavors } = await this.#load();
    await this.checkType(type);
    if (flavors.has(type as StackComponentType, name)) return flavors.get(type as StackComponentType, name);
    const known = flavors.list(type as StackComponentType).map((flavor) => flavor.name);
    throw new StoreError(
      `No ${type} flavor named '${name}'. ${
        known.length > 0
          ? `Known ${type} flavors: ${known.join(", ")}.`
          : `No installed integration provides ${withArticle(type)} flavor.`
      } Pick one of them, or install the integration that provides '${name}' (\`flavorstack integration list\` shows what is installed).`,
    );
  }

  /** Refuses a string that is not a component type, listing the types. */
  async checkType(type: string): Promise<void> {
    const { core } = await this.#load();
    if (core.isStackComponentType(type)) return;
    throw new StoreError(
      `'${type}' is not a stack component type. Use one of: ${core.STACK_COMPONENT_TYPES.join(", ")}.`,
    );
  }

  #load() {
    this.#loaded ??= (async () => {
      const core = await import("@flavorstack/core");
      const container = core.createFlavorstackContainer({ logger: this.#options.logger ?? core.consoleLogger });
      const integrations = core.resolve(container, core.IntegrationRegistryToken);
      for (const dir of this.#options.searchDirs) await integrations.discover(dir);
      return { core, flavors: core.resolve(container, core.FlavorRegistryToken), integrations };
    })();
    return this.#loaded;
  }
}
