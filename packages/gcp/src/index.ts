export { GcpIntegration } from "./gcp-integration.js";
export { GcsArtifactStore } from "./gcs-artifact-store.js";
export {
  GCS_CONFIG_ALIASES,
  type GcsArtifactStoreConfig,
  type GcsArtifactStoreConfigInput,
  gcsArtifactStoreConfigSchema,
} from "./gcs-artifact-store-config.js";
export { GcsArtifactStoreFlavor } from "./gcs-artifact-store-flavor.js";
