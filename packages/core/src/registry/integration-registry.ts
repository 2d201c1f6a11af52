import path from "node:path";
import { pathToFileURL } from "node:url";
import { errorMessage, RegistryError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { FlavorRegistrar, Integration } from "./integration.js";

/**
 * The `package.json` field that marks a package as a flavorstack integration:
 * `"flavorstack": { "integration": "./dist/index.js", "export": "KanikoIntegration" }`,
 * a module and the name of its export that is the `Integration`; without
 * `"export"`, its `integration` (or default) export.
 */
export const INTEGRATION_MANIFEST_FIELD = "flavorstack";

/** An installed integration package that `discover` could not load. */
export interface IntegrationProblem {
  packageDir: string;
  message: string;
}

/** Integrations by name; registering one registers its flavors into the flavor registry. */
export class IntegrationRegistry {
  readonly #integrations = new Map<string, Integration>();
  readonly #problems: IntegrationProblem[] = [];
  readonly #flavors: FlavorRegistrar;
  readonly #logger: Logger;

  /** `preregistered`: integrations whose flavors `flavors` already holds. */
  constructor(flavors: FlavorRegistrar, logger: Logger, preregistered: readonly Integration[] = []) {
    this.#flavors = flavors;
    this.#logger = logger;
    for (const integration of preregistered) this.#integrations.set(integration.name, integration);
  }

  async register(integration: Integration): Promise<void> {
    if (this.#integrations.has(integration.name)) {
      throw new RegistryError(
        `An integration named '${integration.name}' is already registered; integration names must be unique.`,
      );
    }
    await integration.register(this.#flavors);
    this.#integrations.set(integration.name, integration);
  }

  has(name: string): boolean {
    return this.#integrations.has(name);
  }

  get(name: string): Integration {
    const integration = this.#integrations.get(name);
    if (integration) return integration;
    throw new RegistryError(
      `No integration named '${name}'. Known integrations: ${this.list()
        .map((known) => known.name)
        .join(", ")}. Install its package (e.g. \`pnpm add @flavorstack/${name}\`) and discover or register it.`,
    );
  }

  /** The integration packages `discover` found but could not load, each once. */
  problems(): IntegrationProblem[] {
    return [...this.#problems];
  }

  list(): Integration[] {
    return [...this.#integrations.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Finds installed integration packages (named `@flavorstack/*` or
   * `[@scope/]flavorstack-*`) in the `node_modules` folders from `fromDir` upwards and registers those not yet known. A package that fails
   * to load is logged and kept in `problems()`, not raised, so one broken integration hides no other.
   */
  async discover(fromDir: string = process.cwd()): Promise<Integration[]> {
    const found: Integration[] = [];
    for (const { packageDir, manifestText } of await findIntegrationPackages(fromDir)) {
      if (this.#problems.some((problem) => problem.packageDir === packageDir)) continue;
      try {
        const manifest = JSON.parse(manifestText);
        const { integration: entry, export: exportName } = manifest[INTEGRATION_MANIFEST_FIELD] ?? {};
        if (typeof entry !== "string") continue;
        const module = await import(pathToFileURL(path.join(packageDir, entry)).href);
        const integration: Integration | undefined =
          typeof exportName === "string" ? module[exportName] : (module.integration ?? module.default);
        if (!integration || typeof integration.register !== "function") {
          const expected = typeof exportName === "string" ? `'${exportName}'` : "'integration' or a default";
          throw new RegistryError(
            `${entry} has no ${expected} export that is an Integration: fix the "${INTEGRATION_MANIFEST_FIELD}" field of its package.json`,
          );
        }
        if (this.has(integration.name)) continue;
        await this.register(integration);
        found.push(integration);
      } catch (error) {
        const problem = { packageDir, message: errorMessage(error) };
        this.#problems.push(problem);
        this.#logger.warn(`Could not load the integration in ${packageDir}: ${problem.message}`);
      }
    }
    return found;
  }
}

/** A package in node_modules whose package.json mentions the integration manifest field. */
interface IntegrationCandidate {
  packageDir: string;
  manifestText: string;
}

async function findIntegrationPackages(fromDir: string): Promise<IntegrationCandidate[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const seen = new Set<string>();
  const candidates: IntegrationCandidate[] = [];
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const nodeModules = path.join(dir, "node_modules");
    for (const entry of await readdir(nodeModules).catch(() => [] as string[])) {
      const packageDirs = entry.startsWith("@")
        ? (await readdir(path.join(nodeModules, entry)).catch(() => [] as string[])).map((name) =>
            path.join(nodeModules, entry, name),
          )
        : entry.startsWith(".")
          ? []
          : [path.join(nodeModules, entry)];
      for (const packageDir of packageDirs) {
        const name = path.relative(nodeModules, packageDir);
        if (seen.has(name) || !isIntegrationPackageName(name)) continue;
        const manifestText = await readFile(path.join(packageDir, "package.json"), "utf8").catch(() => "");
        if (manifestText.includes(`"${INTEGRATION_MANIFEST_FIELD}"`)) {
          seen.add(name);
          candidates.push({ packageDir, manifestText });
        }
      }
    }
    if (path.dirname(dir) === dir) return candidates;
  }
}

function isIntegrationPackageName(name: string): boolean {
  return name.startsWith("@flavorstack/") || /(?:^|\/)flavorstack-/.test(name);
}
