import type { StackComponentType } from "./stack-component-type.js";
import type { StackValidator } from "./stack-validator.js";

/** What every component is constructed from: identity plus its parsed, frozen config. */
export interface StackComponentInit<TConfig> {
  id: string;
  name: string;
  flavor: string;
  config: TConfig;
}

/**
 * A configured instance of a flavor: the `s3` artifact store named `prod-bucket`,
 * the `kaniko` image builder named `cluster-builder`, ...
 */
export abstract class StackComponent<TConfig = unknown> {
  abstract readonly type: StackComponentType;
  readonly id: string;
  readonly name: string;
  readonly flavor: string;
  readonly config: Readonly<TConfig>;

  constructor(init: StackComponentInit<TConfig>) {
    this.id = init.id;
    this.name = init.name;
    this.flavor = init.flavor;
    this.config = deepFreeze(init.config);
  }

  /** True when the component only works on this machine (a local folder, a registry on localhost). */
  get isLocal(): boolean {
    return false;
  }

  get isRemote(): boolean {
    return !this.isLocal;
  }

  /** Checks this component places on the rest of the stack, if any. */
  get validator(): StackValidator | undefined {
    return undefined;
  }

  toString(): string {
    return `${this.type} '${this.name}' (flavor ${this.flavor})`;
  }
}

/** A component of any config. */
export type AnyStackComponent = StackComponent<unknown>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}
