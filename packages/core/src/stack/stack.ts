import type { ArtifactStore } from "../artifact-stores/artifact-store.js";
import type { BuildContext } from "../build-context/build-context.js";
import type { ContainerRegistry } from "../container-registries/container-registry.js";
import { ConfigError, StackValidationError } from "../errors.js";
import type { BuildOptions, ImageBuilder } from "../image-builders/image-builder.js";
import type { ImageReference } from "../image-builders/image-reference.js";
import type { AnyStackComponent, StackComponentOf, StackView } from "./stack-component.js";
import type { StackComponentType } from "./stack-component-type.js";
import { missingComponentsMessage } from "./stack-validator.js";

/** What every stack needs, whatever its components ask for. */
const ALWAYS_REQUIRED: readonly StackComponentType[] = ["artifact_store"];

/** Environment variable that skips `validate()` (as ZENML_SKIP_STACK_VALIDATION does). */
export const SKIP_STACK_VALIDATION_ENV = "FLAVORSTACK_SKIP_STACK_VALIDATION";

export interface StackInit {
  name: string;
  id?: string;
  components: Iterable<AnyStackComponent>;
}

/** A set of components, at most one per type, that a pipeline runs on. */
export class Stack implements StackView {
  readonly id: string;
  readonly name: string;
  readonly #components: ReadonlyMap<StackComponentType, AnyStackComponent>;

  constructor(init: StackInit) {
    this.id = init.id ?? crypto.randomUUID(); // Web Crypto: node:crypto loads on first use, not at import
    this.name = init.name;
    const components = new Map<StackComponentType, AnyStackComponent>();
    for (const component of init.components) {
      const existing = components.get(component.type);
      if (existing) {
        throw new ConfigError(
          `Stack '${init.name}' has two ${component.type} components ('${existing.name}' and '${component.name}'); a stack holds at most one of each type. Keep one.`,
        );
      }
      components.set(component.type, component);
    }
    this.#components = components;
  }

  /** Components in type order. */
  get components(): AnyStackComponent[] {
    return [...this.#components.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  component<T extends StackComponentType>(type: T): StackComponentOf<T> | undefined {
    return this.#components.get(type) as StackComponentOf<T> | undefined;
  }

  /** The artifact store every stack must have. */
  get artifactStore(): ArtifactStore {
    const store = this.component("artifact_store");
    if (!store) throw new StackValidationError(this.name, [missingComponentsMessage(this.name, ["artifact_store"])]);
    return store;
  }

  get containerRegistry(): ContainerRegistry | undefined {
    return this.component("container_registry");
  }

  get imageBuilder(): ImageBuilder | undefined {
    return this.component("image_builder");
  }

  /** Every problem with the stack; empty when it is valid. */
  problems(): string[] {
    const problems: string[] = [];
    const missing = ALWAYS_REQUIRED.filter((type) => !this.#components.has(type));
    if (missing.length > 0) problems.push(missingComponentsMessage(this.name, missing));
    for (const component of this.components) {
      for (const problem of component.validator?.problems(this) ?? []) {
        if (!problems.includes(problem)) problems.push(problem);
      }
    }
    return problems;
  }

  /** Throws one `StackValidationError` listing every problem of every component. */
  validate(): void {
    if (process.env[SKIP_STACK_VALIDATION_ENV]) return;
    const problems = this.problems();
    if (problems.length > 0) throw new StackValidationError(this.name, problems);
  }

  /**
   * Builds and pushes an image with the stack's image builder, to the stack's
   * container registry, after validating the stack.
   */
  async buildImage(
    imageName: string | ImageReference,
    buildContext: BuildContext,
    options: BuildOptions = {},
  ): Promise<ImageReference> {
    this.validate();
    const builder = this.imageBuilder;
    if (!builder) {
      throw new StackValidationError(this.name, [missingComponentsMessage(this.name, ["image_builder"])]);
    }
    return builder.build(
      imageName,
      buildContext,
      { artifactStore: this.artifactStore, ...options },
      this.containerRegistry,
    );
  }
}

export function createStack(init: StackInit): Stack {
  return new Stack(init);
}
