import { defineFlavor } from "@flavorstack/core/plugin";
import { s3ArtifactStoreConfigSchema } from "./s3-artifact-store-config.js";

/** The `s3` artifact store flavor: its implementation (and the AWS SDK) load on first use. */
export const S3ArtifactStoreFlavor = defineFlavor({
  name: "s3",
  type: "artifact_store",
  displayName: "Amazon S3",
  integration: "s3",
  docsUrl: "https://docs.zenml.io/stacks/stack-components/artifact-stores/s3",
  sdkDocsUrl: "https://sdkdocs.zenml.io/latest/integration_code_docs/integrations-s3",
  logoUrl: "https://public-flavor-logos.s3.eu-central-1.amazonaws.com/artifact_store/aws.png",
  configSchema: s3ArtifactStoreConfigSchema,
  implementation: async () => {
    const { S3ArtifactStore } = await import("./s3-artifact-store.js");
    return (init) => new S3ArtifactStore(init);
  },
});
