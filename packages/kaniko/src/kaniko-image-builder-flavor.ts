import { defineFlavor } from "@flavorstack/core/plugin";
import { kanikoImageBuilderConfigSchema } from "./kaniko-image-builder-config.js";

/** The kaniko image builder flavor: its implementation (and @kubernetes/client-node) load on first use. */
export const KanikoImageBuilderFlavor = defineFlavor({
  name: "kaniko",
  type: "image_builder",
  displayName: "Kaniko",
  integration: "kaniko",
  docsUrl: "https://docs.zenml.io/stacks/stack-components/image-builders/kaniko",
  sdkDocsUrl: "https://sdkdocs.zenml.io/latest/integration_code_docs/integrations-kaniko",
  logoUrl: "https://public-flavor-logos.s3.eu-central-1.amazonaws.com/image_builder/kaniko.png",
  configSchema: kanikoImageBuilderConfigSchema,
  implementation: async () => {
    const { KanikoImageBuilder } = await import("./kaniko-image-builder.js");
    return (init) => new KanikoImageBuilder(init);
  },
});
