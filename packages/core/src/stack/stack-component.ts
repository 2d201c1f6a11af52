import type { StackComponentType } from "./stack-component-type.js";

/** What every component is constructed from: identity plus its parsed, frozen config. */
export interface StackComponentInit<TConfig> {
  id: string;
  name: string;
  flavor: string;
  config: TConfig;
  /** The config fields the flavor marks secret (`writeOnly` in its JSON Schema); `createComponent` sets them. */
  secretFields?: readonly string[];
}

/**
 * The component class each well-known type resolves to. The base classes add their entry by
 * declaration merging (`artifact_store: ArtifactStore` in `artifact-store.ts`, ...), so this
 * module imports none of them; an integration may add the types it defines in the same way.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging.
export interface StackComponentsByType {}

export type StackComponentOf<T extends StackComponentType> = T extends keyof StackComponentsByType
  ? StackComponentsByType[T]
  : AnyStackComponent;

/** What a validator reads of a stack: its name and its components. `Stack` is one. */
export interface StackView {
  readonly name: string;
  /** Components in type order. */
  readonly components: readonly AnyStackComponent[];
  component<T extends StackComponentType>(type: T): StackComponentOf<T> | undefined;
  readonly containerRegistry: StackComponentOf<"container_registry"> | undefined;
  readonly imageBuilder: StackComponentOf<"image_builder"> | undefined;
}

export type StackValidationResult = { ok: true } | { ok: false; message: string };

/** What a component demands of the stack it is part of. Made by `createStackValidator`. */
export interface StackValidator {
  readonly requiredComponents: readonly StackComponentType[];
  /** Every problem found, in ZenML's words; empty when the stack is fine. */
  problems(stack: StackView): string[];
  /** Throws a `StackValidationError` listing every problem at once. */
  validate(stack: StackView): void;
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
  readonly #secretFields: readonly string[];

  constructor(init: StackComponentInit<TConfig>) {
    this.id = init.id;
    this.name = init.name;
    this.flavor = init.flavor;
    this.config = deepFreeze(init.config);
    this.#secretFields = Object.freeze([...(init.secretFields ?? [])]);
  }

  /** The values of the config's secret fields, for components that must keep them out of logs and errors. */
  get secretValues(): string[] {
    const config = (this.config ?? {}) as Record<string, unknown>;
    return this.#secretFields
      .map((field) => config[field])
      .filter((value): value is string => typeof value === "string");
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
