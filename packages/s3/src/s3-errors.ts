import { ArtifactStoreError } from "@flavorstack/core/plugin";

interface SdkError {
  name?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The error names S3 and the SDK give refused or missing credentials. */
const CREDENTIAL_ERRORS = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "AccessDenied",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "CredentialsProviderError",
]);

function fields(error: unknown): SdkError {
  return typeof error === "object" && error !== null ? (error as SdkError) : {};
}

/** Whether the bucket itself is missing (S3's 404 NoSuchBucket), which is not a missing file. */
export function isMissingBucketError(error: unknown): boolean {
  const { name, Code } = fields(error);
  return name === "NoSuchBucket" || Code === "NoSuchBucket";
}

/** Whether S3 refused the credentials, or the SDK found none. */
function isRefusedCredentialsError(error: unknown): boolean {
  const { name, Code, $metadata } = fields(error);
  return (
    CREDENTIAL_ERRORS.has(String(name)) || CREDENTIAL_ERRORS.has(String(Code)) || $metadata?.httpStatusCode === 403
  );
}

/**
 * The error to keep as `cause`: the SDK's own when none of `secrets` is in it, else a copy with its name, message
 * (secrets replaced by `***`) and HTTP status only. A refused signature's error carries the access key id, the string
 * to sign and the canonical request (with a session token's header), so it is always copied.
 */
export function withoutSecrets(error: unknown, allSecrets: readonly string[]): unknown {
  const secrets = allSecrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  const { name, message, $metadata } = fields(error);
  if (!isRefusedCredentialsError(error) && !mentionsAny(error, secrets)) return error;
  let text = String(message ?? error);
  for (const secret of secrets) text = text.replaceAll(secret, "***");
  const copy = new Error(text);
  copy.name = typeof name === "string" ? name : "Error";
  return Object.assign(copy, { $metadata: { httpStatusCode: $metadata?.httpStatusCode } });
}

/**
 * Values shorter than this are not looked for: no AWS credential is that short (key ids have 16 characters and more),
 * and replacing a one-letter test value would garble every message.
 */
const MIN_SECRET_LENGTH = 6;

function mentionsAny(error: unknown, secrets: readonly string[]): boolean {
  if (secrets.length === 0) return false;
  const texts: string[] = [String(error)];
  if (typeof error === "object" && error !== null) {
    for (const key of Reflect.ownKeys(error)) {
      const value = (error as Record<PropertyKey, unknown>)[key];
      try {
        texts.push(typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
      } catch {
        texts.push(String(value));
      }
    }
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined && mentionsAny(cause, secrets)) return true;
  }
  return texts.some((text) => secrets.some((secret) => text.includes(secret)));
}

/** What the store says when S3 refuses its credentials or its bucket is missing; `undefined` for other errors. */
export function translateS3Error(
  error: unknown,
  context: { operation: string; path: string; root: string; bucket: string; secrets: readonly string[] },
): ArtifactStoreError | undefined {
  const { operation, path, root, bucket, secrets } = context;
  const cause = withoutSecrets(error, secrets);
  if (isMissingBucketError(error)) {
    return new ArtifactStoreError(
      `Bucket '${bucket}' of artifact store \`${root}\` does not exist (while trying to ${operation} \`${path}\`). Create the bucket, or fix the store's \`path\`.`,
      { cause },
    );
  }
  if (/region is missing/i.test(String(fields(error).message))) {
    return new ArtifactStoreError(
      `Artifact store \`${root}\` has no region (while trying to ${operation} \`${path}\`). Set the bucket's region as \`clientKwargs.regionName\`, or in AWS_REGION or the AWS profile.`,
      { cause },
    );
  }
  if (isRefusedCredentialsError(error)) {
    const { name, $metadata } = fields(error);
    const status = $metadata?.httpStatusCode === undefined ? "" : `, HTTP ${String($metadata.httpStatusCode)}`;
    return new ArtifactStoreError(
      `Artifact store \`${root}\` was refused access (${String(name)}${status}) while trying to ${operation} \`${path}\`. ` +
        "Check the credentials: the store's key, secret and token, or, when it has none, the AWS SDK's default chain " +
        "(AWS_* environment variables, the shared profile, web identity/IRSA, container or instance metadata); " +
        `and that they may access bucket '${bucket}'.`,
      { cause },
    );
  }
  return undefined;
}
