import { defineIntegration } from "@flavorstack/core/plugin";
import { S3ArtifactStoreFlavor } from "./s3-artifact-store-flavor.js";

/** The S3 integration: the `s3` artifact store flavor. */
export const S3Integration = defineIntegration({
  name: "s3",
  requirements: ["@aws-sdk/client-s3", "@aws-sdk/lib-storage"],
  resolveFrom: import.meta.url,
  flavors: () => [S3ArtifactStoreFlavor],
});
