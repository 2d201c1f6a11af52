import type { Readable } from "node:stream";

/** Where kaniko reads its build context from. */
export interface ContextLocation {
  scheme: "stdin" | "s3" | "gs";
  bucket?: string;
  key?: string;
}

/** Parses `tar://stdin`, `s3://bucket[/key]` and `gs://bucket[/key]` (no key means `context.tar.gz`). */
export function parseContextLocation(context: string): ContextLocation {
  if (context === "tar://stdin") return { scheme: "stdin" };
  const match = /^(s3|gs):\/\/([^/]+)(?:\/(.*))?$/.exec(context);
  if (!match) {
    throw new Error(
      `unsupported build context "${context}": the simulated executor reads tar://stdin, s3:// and gs://`,
    );
  }
  return { scheme: match[1] as "s3" | "gs", bucket: match[2] as string, key: match[3] || "context.tar.gz" };
}

/**
 * Opens the gzipped tar of a build context: the container's stdin, or an object read with the AWS / Google SDK
 * (imported lazily) configured from the pod's env (`S3_ENDPOINT`, `S3_FORCE_PATH_STYLE`, `AWS_*`,
 * `STORAGE_EMULATOR_HOST`).
 */
export async function openContextSource(
  location: ContextLocation,
  env: Record<string, string>,
  stdin: Readable,
  signal: AbortSignal,
): Promise<Readable> {
  if (location.scheme === "stdin") return stdin;
  const bucket = location.bucket as string;
  const key = location.key as string;
  if (location.scheme === "s3") {
    const { S3Client, GetObjectCommand } = await import("@aws-sdk/client-s3");
    const credentials =
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : undefined;
    const client = new S3Client({
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
      ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
      forcePathStyle: env.S3_FORCE_PATH_STYLE === "true",
      ...(credentials ? { credentials } : {}),
    });
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return response.Body as Readable;
  }
  const { Storage } = await import("@google-cloud/storage");
  const storage = new Storage({
    projectId: env.GOOGLE_CLOUD_PROJECT ?? "flavorstack-double",
    ...(env.STORAGE_EMULATOR_HOST ? { apiEndpoint: env.STORAGE_EMULATOR_HOST } : {}),
  });
  return storage.bucket(bucket).file(key).createReadStream({ validation: false });
}
