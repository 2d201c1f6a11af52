import { ConfigError } from "../errors.js";
import { ImageReference } from "../image-builders/image-reference.js";
import { StackComponent } from "../stack/stack-component.js";
import type { ContainerRegistryConfig } from "./container-registry-config.js";
import { isLocalRegistryHost, parseRegistryUri, type RegistryLocation } from "./registry-location.js";

declare module "../stack/stack-component.js" {
  interface StackComponentsByType {
    container_registry: ContainerRegistry;
  }
}

/** A container registry: where built images are pushed and pulled from. */
export class ContainerRegistry<
  TConfig extends ContainerRegistryConfig = ContainerRegistryConfig,
> extends StackComponent<TConfig> {
  readonly type = "container_registry" as const;

  get uri(): string {
    return this.config.uri;
  }

  get location(): RegistryLocation {
    const location = parseRegistryUri(this.uri);
    if (!location) throw new ConfigError(`Container registry '${this.name}' has an invalid URI '${this.uri}'.`);
    return location;
  }

  override get isLocal(): boolean {
    return isLocalRegistryHost(this.location.domain);
  }

  /** True when the image would be pushed to this registry (same host, under its namespace). */
  contains(image: string | ImageReference): boolean {
    const reference = ImageReference.from(image);
    const { domain, namespace } = this.location;
    if (reference.domain !== domain) return false;
    return namespace === "" || reference.path.startsWith(`${namespace}/`);
  }

  /** Refuses images that would not land in this registry, saying what to use instead. */
  assertContains(image: string | ImageReference): ImageReference {
    const reference = ImageReference.from(image);
    if (!this.contains(reference)) {
      throw new ConfigError(
        `The image '${reference}' is not in container registry '${this.name}' (${this.uri}): name the image '${this.uri}/<repository>[:tag]'.`,
      );
    }
    return reference;
  }
}
