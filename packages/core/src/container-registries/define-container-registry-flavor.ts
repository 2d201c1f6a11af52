import type { z } from "zod";
import { defineFlavor } from "../stack/flavor.js";
import type { ContainerRegistryConfig } from "./container-registry-config.js";

export interface ContainerRegistryFlavorDefinition {
  name: string;
  displayName: string;
  docsUrl?: string;
  /** The integration that ships the flavor; built-in when left out. */
  integration?: string;
  configSchema: z.ZodType<ContainerRegistryConfig>;
}

/** A `container_registry` flavor whose components are plain {@link ContainerRegistry} instances. */
export function defineContainerRegistryFlavor(definition: ContainerRegistryFlavorDefinition) {
  return defineFlavor({
    ...definition,
    type: "container_registry",
    implementation: async () => {
      const { ContainerRegistry } = await import("./container-registry.js");
      return (init) => new ContainerRegistry(init);
    },
  });
}
