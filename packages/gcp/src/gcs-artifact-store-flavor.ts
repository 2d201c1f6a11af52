import { defineFlavor } from "@flavorstack/core/plugin";
import { gcsArtifactStoreConfigSchema } from "./gcs-artifact-store-config.js";

/** The `gcp` artifact store flavor (ZenML's name): gs:// paths; its implementation and the SDK load on first use. */
export const GcsArtifactStoreFlavor = defineFlavor({
  name: "gcp",
  type: "artifact_store",
  displayName: "GCP Artifact Store",
  integration: "gcp",
  docsUrl: "https://docs.zenml.io/stacks/stack-components/artifact-stores/gcp",
  sdkDocsUrl: "https://sdkdocs.zenml.io/latest/integration_code_docs/integrations-gcp",
  logoUrl: "https://public-flavor-logos.s3.eu-central-1.amazonaws.com/artifact_store/gcp.png",
  configSchema: gcsArtifactStoreConfigSchema,
  implementation: async () => {
    const { GcsArtifactStore } = await import("./gcs-artifact-store.js");
    return (init) => new GcsArtifactStore(init);
  },
});
