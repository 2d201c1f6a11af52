import { defineFlavor } from "../../stack/flavor.js";
import { localImageBuilderConfigSchema } from "./local-image-builder-config.js";

export const LocalImageBuilderFlavor = defineFlavor({
  name: "local",
  type: "image_builder",
  displayName: "Local Image Builder",
  docsUrl: "https://github.com/containers/buildah",
  configSchema: localImageBuilderConfigSchema,
  implementation: async () => {
    const { LocalImageBuilder } = await import("./local-image-builder.js");
    return (init) => new LocalImageBuilder(init);
  },
});
