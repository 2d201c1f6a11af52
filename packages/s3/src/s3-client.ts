import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import type { S3ArtifactStoreConfig } from "./s3-artifact-store-config.js";

/** The AWS SDK's S3 module, loaded on first use. */
export type S3Sdk = typeof import("@aws-sdk/client-s3");
/** lib-storage's multipart `Upload`, loaded on first use. */
export type S3Upload = typeof import("@aws-sdk/lib-storage").Upload;

/** A configured client and the SDK classes the store sends requests with. */
export interface S3Connection {
  sdk: S3Sdk;
  client: S3Client;
  Upload: S3Upload;
}

/** The region for a custom endpoint when none is configured: S3-compatible servers take us-east-1. */
const DEFAULT_ENDPOINT_REGION = "us-east-1";

/**
 * The region the client uses when the config decides it: `regionName`, or for a custom endpoint the environment's
 * region or us-east-1. Without either, the SDK's own chain decides (undefined here).
 */
export function configuredRegion(config: S3ArtifactStoreConfig): string | undefined {
  if (config.clientKwargs?.regionName !== undefined) return config.clientKwargs.regionName;
  if (config.clientKwargs?.endpointUrl === undefined) return undefined;
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_ENDPOINT_REGION;
}

/**
 * Loads the AWS SDK and makes a client from the store's config: explicit keys, or the SDK's default credential
 * chain (env, shared profile, web identity/IRSA, container and instance metadata) without them.
 */
export async function connectS3(config: S3ArtifactStoreConfig): Promise<S3Connection> {
  const [sdk, { Upload }] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/lib-storage")]);
  const endpoint = config.clientKwargs?.endpointUrl;
  const region = configuredRegion(config);
  const settings: S3ClientConfig = {
    // The SDK sends `Expect: 100-continue` with bodies of 2 MiB and more, and for those its HTTP handler opens a new
    // connection without keep-alive: every multipart part paid a connection (a TLS handshake over https) and a round
    // trip. Without it the parts reuse the client's keep-alive sockets; a request the server refuses sends its part
    // (5 MiB at most) for nothing. configKwargs can turn it back on.
    expectContinueHeader: false,
    ...(config.configKwargs as S3ClientConfig | undefined),
    forcePathStyle: config.forcePathStyle,
    // A bucket in another region than the configured one still works (S3 answers with a redirect).
    followRegionRedirects: true,
  };
  if (endpoint !== undefined) settings.endpoint = endpoint;
  if (region !== undefined) settings.region = region;
  if (config.key !== undefined && config.secret !== undefined) {
    settings.credentials = {
      accessKeyId: config.key,
      secretAccessKey: config.secret,
      ...(config.token === undefined ? {} : { sessionToken: config.token }),
    };
  }
  const client = new sdk.S3Client(settings);
  await addDeleteObjectsContentMd5(client);
  return { sdk, client, Upload };
}

/**
 * DeleteObjects carries a checksum of its body. The SDK now sends a CRC32 only; Swift's s3api, Ceph and older MinIO
 * still require Content-MD5 (AWS accepts both), so it is added.
 */
async function addDeleteObjectsContentMd5(client: S3Client): Promise<void> {
  const { createHash } = await import("node:crypto");
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (
        context.commandName === "DeleteObjectsCommand" &&
        request.headers !== undefined &&
        (typeof request.body === "string" || request.body instanceof Uint8Array)
      ) {
        request.headers["content-md5"] = createHash("md5").update(request.body).digest("base64");
      }
      return next(args);
    },
    { step: "build", name: "flavorstackDeleteObjectsContentMd5" },
  );
}
