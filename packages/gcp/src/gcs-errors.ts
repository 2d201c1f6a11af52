import { ArtifactStoreError } from "@flavorstack/core/plugin";

/** The HTTP status of an SDK error: `ApiError.code`, or the response's status (gaxios). */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, status, response } = error as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const candidate of [code, status, response?.status]) {
    if (typeof candidate === "number") return candidate;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** GCS's 404 for a bucket that does not exist ("The specified bucket does not exist."), not for a missing object. */
export function isMissingBucketError(error: unknown): boolean {
  return httpStatusOf(error) === 404 && /bucket does not exist/i.test(messageOf(error));
}

/** Refused credentials: HTTP 401/403, or the auth library failing to get a token (bad key, no default credentials). */
export function isCredentialsError(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status === 401 || status === 403) return true;
  return /invalid_grant|invalid_client|unauthorized_client|Could not load the default credentials|Could not refresh access token/i.test(
    messageOf(error),
  );
}

/** The store's bucket does not exist. */
export function missingBucketError(bucket: string, root: string, cause: unknown): ArtifactStoreError {
  return new ArtifactStoreError(
    `Bucket \`${bucket}\` of artifact store \`${root}\` does not exist. Create it (gcloud storage buckets create gs://${bucket}) or fix the store's \`path\`.`,
    { cause },
  );
}

/** GCS refused the store's credentials, or none could be found. */
export function credentialsError(operation: string, path: string, root: string, cause: unknown): ArtifactStoreError {
  const status = httpStatusOf(cause);
  return new ArtifactStoreError(
    `Google Cloud Storage refused access to artifact store \`${root}\`${status === undefined ? "" : ` (HTTP ${status})`} when trying to ${operation} \`${path}\`. ` +
      "Check the credentials: the service account JSON key in `serviceAccountJson`, or, without it, the application default credentials " +
      "(GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default login`, Workload Identity); and that the account may read and write objects in the bucket (e.g. roles/storage.objectAdmin).",
    { cause },
  );
}
