export { S3ArtifactStore } from "./s3-artifact-store.js";
export {
  S3_CONFIG_ALIASES,
  S3_SECRET_FIELDS,
  type S3ArtifactStoreConfig,
  type S3ArtifactStoreConfigInput,
  s3ArtifactStoreConfigSchema,
} from "./s3-artifact-store-config.js";
export { S3ArtifactStoreFlavor } from "./s3-artifact-store-flavor.js";
export { S3Integration } from "./s3-integration.js";
