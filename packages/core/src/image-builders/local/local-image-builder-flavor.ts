import { defineFlavor } from "../../stack/flavor.js";
import { localImageBuilderConfigSchema } from "./local-image-builder-config.js";

export const localImageBuilderFlavor = defineFlavor({
  name: "local",
  type: "image_builder",
  displayName: "Local Image Builder",
  docsUrl: "https://github.com/containers/buildah",
  configSchema: localImageBuilderConfigSchema,
  implementation: async () => (await import("./local-image-builder.js")).createLocalImageBuilder,
});
