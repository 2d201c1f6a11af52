import { randomUUID } from "node:crypto";
import { ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { missingSwiftS3Programs, type SwiftS3Server, startSwiftS3Server } from "@flavorstack/testing/servers";
import { afterAll, beforeAll } from "vitest";
import type { S3ArtifactStore } from "../s3-artifact-store.js";
import type { S3ArtifactStoreConfigInput } from "../s3-artifact-store-config.js";
import { S3ArtifactStoreFlavor } from "../s3-artifact-store-flavor.js";

const MISSING = missingSwiftS3Programs();

/** Why the tests on Swift skip, or `undefined` when Swift is installed. */
export const SWIFT_SKIP_REASON =
  MISSING.length === 0
    ? undefined
    : `Swift is not installed (${MISSING.join(", ")} not on PATH): run 'bash test/infra/setup.sh'`;

/** Swift's start-up, on a loaded machine. */
const SWIFT_START_TIMEOUT = 180_000;

/** The bucket every store of a test file lives in, each under a prefix of its own. */
export const BUCKET = "flavorstack-tests";

/**
 * One Swift server for the test file (started in `beforeAll`, stopped in `afterAll`, only when installed), and stores
 * on fresh prefixes of its bucket.
 */
export function useSwift() {
  let server: SwiftS3Server | undefined;
  beforeAll(async () => {
    if (SWIFT_SKIP_REASON !== undefined) return;
    server = await startSwiftS3Server({ startTimeout: SWIFT_START_TIMEOUT });
    await server.createBucket(BUCKET);
  }, SWIFT_START_TIMEOUT);
  afterAll(() => server?.stop());

  const running = (): SwiftS3Server => {
    if (server === undefined) throw new Error("Swift is started before the tests.");
    return server;
  };

  /** A config for the server: its credentials, endpoint, path style, and `overrides`. */
  const config = (overrides: Partial<S3ArtifactStoreConfigInput> = {}): S3ArtifactStoreConfigInput => {
    const { endpoint, region, accessKeyId, secretAccessKey } = running();
    return {
      path: `s3://${BUCKET}/${randomUUID()}`,
      key: accessKeyId,
      secret: secretAccessKey,
      clientKwargs: { endpointUrl: endpoint, regionName: region },
      forcePathStyle: true,
      ...overrides,
    };
  };

  /** A store on a fresh prefix. */
  const store = (overrides: Partial<S3ArtifactStoreConfigInput> = {}): Promise<S3ArtifactStore> =>
    S3ArtifactStoreFlavor.createComponent({ name: "swift", config: config(overrides) });

  /** A client of our own, to look at the server behind the store's back. */
  const client = (): S3Client => {
    const { endpoint, region, accessKeyId, secretAccessKey } = running();
    return new S3Client({
      endpoint,
      region,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    });
  };

  /** The keys of the multipart uploads the server has begun and not finished or aborted, below `root`. */
  const pendingUploads = async (root: string): Promise<string[]> => {
    const prefix = `${root.slice(`s3://${BUCKET}/`.length)}/`;
    const listing = await client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
    return (listing.Uploads ?? []).flatMap((upload) => (upload.Key === undefined ? [] : [upload.Key]));
  };

  return { server: running, config, store, client, pendingUploads };
}
