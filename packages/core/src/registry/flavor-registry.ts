import { RegistryError } from "../errors.js";
import type { AnyFlavor } from "../stack/flavor.js";
import type { StackComponentType } from "../stack/stack-component-type.js";

/** Flavors keyed by (type, name); registering the same key twice is refused. */
export class FlavorRegistry {
  readonly #flavors = new Map<string, AnyFlavor>();

  register(flavor: AnyFlavor): this {
    const key = keyOf(flavor.type, flavor.name);
    const existing = this.#flavors.get(key);
    if (existing) {
      throw new RegistryError(
        `A ${flavor.type} flavor named '${flavor.name}' is already registered (from integration '${existing.integration}'); flavor names must be unique per component type. Rename the flavor from '${flavor.integration}'.`,
      );
    }
    this.#flavors.set(key, flavor);
    return this;
  }

  has(type: StackComponentType, name: string): boolean {
    return this.#flavors.has(keyOf(type, name));
  }

  get(type: StackComponentType, name: string): AnyFlavor {
    const flavor = this.#flavors.get(keyOf(type, name));
    if (flavor) return flavor;
    const known = this.list(type).map((candidate) => candidate.name);
    throw new RegistryError(
      `No ${type} flavor named '${name}'. ${
        known.length > 0 ? `Known ${type} flavors: ${known.join(", ")}.` : `No ${type} flavors are registered.`
      } Register the integration that provides it, or pick a known one.`,
    );
  }

  /** Flavors sorted by type, then name. */
  list(type?: StackComponentType): AnyFlavor[] {
    return [...this.#flavors.values()]
      .filter((flavor) => type === undefined || flavor.type === type)
      .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  }
}

function keyOf(type: StackComponentType, name: string): string {
  return `${type}\u0000${name}`;
}
