import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AnyFlavor } from "../stack/flavor.js";

/** Where an integration registers its flavors: a `FlavorRegistry`, or anything that takes flavors. */
export interface FlavorRegistrar {
  register(flavor: AnyFlavor): unknown;
}

export interface IntegrationDefinition {
  /** e.g. `kaniko`, `s3`, `gcp`. */
  name: string;
  /** npm packages the flavors' implementations import (loaded lazily). */
  requirements?: readonly string[];
  /** The integration's flavors: definitions only, implementations stay unloaded. */
  flavors: () => readonly AnyFlavor[] | Promise<readonly AnyFlavor[]>;
  /**
   * Where requirements are resolved from: the integration module's `import.meta.url`
   * (its package's node_modules and their parents). Defaults to the working directory.
   */
  resolveFrom?: string | URL;
}

/** A package of flavors, with the npm packages they need. */
export interface Integration {
  readonly name: string;
  readonly requirements: readonly string[];
  flavors(): Promise<readonly AnyFlavor[]>;
  /** The requirements that cannot be found. */
  missingRequirements(): Promise<string[]>;
  /** True when every requirement resolves. */
  isInstalled(): Promise<boolean>;
  /** Registers the flavors into a flavor registry. */
  register(registrar: FlavorRegistrar): Promise<void>;
}

export function defineIntegration(definition: IntegrationDefinition): Integration {
  const requirements = Object.freeze([...(definition.requirements ?? [])]);
  const from = definition.resolveFrom ?? path.join(process.cwd(), "index.js");
  const startDir = path.dirname(from instanceof URL || from.startsWith("file:") ? fileURLToPath(from) : from);

  const missingRequirements = async () => {
    const found = await Promise.all(requirements.map((requirement) => packageIsInstalled(requirement, startDir)));
    return requirements.filter((_, index) => !found[index]);
  };

  return Object.freeze({
    name: definition.name,
    requirements,
    flavors: async () => definition.flavors(),
    missingRequirements,
    isInstalled: async () => (await missingRequirements()).length === 0,
    async register(registrar: FlavorRegistrar) {
      for (const flavor of await definition.flavors()) registrar.register(flavor);
    },
  });
}

/** Finds `node_modules/<name>/package.json` from `startDir` upwards, as Node's resolver walks. */
async function packageIsInstalled(name: string, startDir: string): Promise<boolean> {
  const { access } = await import("node:fs/promises");
  const packageName = name.replace(/(?<=.)@[^/]*$/, "");
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    try {
      await access(path.join(dir, "node_modules", packageName, "package.json"));
      return true;
    } catch {
      if (path.dirname(dir) === dir) return false;
    }
  }
}
