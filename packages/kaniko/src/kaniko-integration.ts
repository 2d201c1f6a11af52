import { defineIntegration } from "@flavorstack/core/plugin";
import { KanikoImageBuilderFlavor } from "./kaniko-image-builder-flavor.js";

/** The kaniko integration: the `kaniko` image builder flavor. */
export const KanikoIntegration = defineIntegration({
  name: "kaniko",
  requirements: ["@kubernetes/client-node"],
  resolveFrom: import.meta.url,
  flavors: () => [KanikoImageBuilderFlavor],
});
