import type { Bucket, Storage, StorageOptions } from "@google-cloud/storage";
import type { GcsArtifactStoreConfig } from "./gcs-artifact-store-config.js";
import { loadServiceAccountKey } from "./gcs-credentials.js";

/**
 * The `@google-cloud/storage` options of a config: the service account key when one is configured (its
 * `universe_domain` included), else application default credentials.
 */
export async function storageOptions(config: GcsArtifactStoreConfig, root: string): Promise<StorageOptions> {
  const options: StorageOptions = {};
  if (config.projectId !== undefined) options.projectId = config.projectId;
  if (config.apiEndpoint !== undefined) options.apiEndpoint = config.apiEndpoint;
  if (config.serviceAccountJson !== undefined) {
    const key = await loadServiceAccountKey(config.serviceAccountJson, root);
    options.credentials = key;
    options.projectId ??= key.project_id;
    if (key.universe_domain !== undefined) options.universeDomain = key.universe_domain;
    // The SDK sends no credentials to a custom endpoint unless asked: with a key, a private endpoint gets them.
    options.useAuthWithCustomEndpoint = true;
  }
  return options;
}

/** The bucket of the store, with `@google-cloud/storage` imported on first use. */
export async function openBucket(config: GcsArtifactStoreConfig, bucket: string, root: string): Promise<Bucket> {
  const [{ Storage: StorageClass }, options] = await Promise.all([
    import("@google-cloud/storage"),
    storageOptions(config, root),
  ]);
  const storage: Storage = new StorageClass(options);
  return storage.bucket(bucket);
}
