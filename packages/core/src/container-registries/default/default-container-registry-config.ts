import { containerRegistryConfigSchema } from "../container-registry-config.js";

/** Any registry: the common URI syntax, no rule on host or namespace. */
export const defaultContainerRegistryConfigSchema = containerRegistryConfigSchema;
