import { defineIntegration } from "@flavorstack/core/plugin";
import { GcsArtifactStoreFlavor } from "./gcs-artifact-store-flavor.js";

/** The GCP integration: the `gcp` artifact store flavor (gs://). The `gcp` container registry flavor is core's. */
export const GcpIntegration = defineIntegration({
  name: "gcp",
  requirements: ["@google-cloud/storage"],
  resolveFrom: import.meta.url,
  flavors: () => [GcsArtifactStoreFlavor],
});
