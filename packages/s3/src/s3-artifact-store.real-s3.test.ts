import { randomBytes } from "node:crypto";
import { ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { type ArtifactStoreContractFixture, describeArtifactStoreContract } from "@flavorstack/testing/artifact-store";
import { describe } from "vitest";
import { S3ArtifactStoreFlavor } from "./s3-artifact-store-flavor.js";

// Opt-in: the contract against real S3, with the AWS SDK's default credential chain, under a fresh prefix of
// FLAVORSTACK_E2E_S3_PATH (s3://bucket[/prefix]) per test, removed afterwards.
const ROOT = process.env.FLAVORSTACK_E2E_S3_PATH?.replace(/\/+$/, "");
const SKIP_REASON =
  "set FLAVORSTACK_E2E_S3_PATH=s3://bucket[/prefix] (and AWS credentials in the default chain) to run it against S3";

async function fixture(): Promise<ArtifactStoreContractFixture> {
  const run = `flavorstack-contract-${randomBytes(6).toString("hex")}`;
  const store = await S3ArtifactStoreFlavor.createComponent({ name: "s3", config: { path: `${ROOT}/${run}` } });
  const [bucket, ...prefix] = store.path.slice("s3://".length).split("/");
  const wrongSecret = `wrong-${randomBytes(12).toString("hex")}`;
  return {
    store,
    secrets: [wrongSecret],
    cleanup: async () => {
      if (await store.exists("")) await store.rmtree("");
    },
    // A key id of no account: S3 refuses it (InvalidAccessKeyId, 403).
    withWrongCredentials: () =>
      S3ArtifactStoreFlavor.createComponent({
        name: "s3",
        config: { path: store.path, key: "AKIAFLAVORSTACKWRONG", secret: wrongSecret },
      }),
    withMissingBucket: () =>
      S3ArtifactStoreFlavor.createComponent({ name: "s3", config: { path: `s3://${run}-missing/x` } }),
    listPendingUploads: async () => {
      const client = new S3Client({});
      try {
        const listing = await client.send(
          new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `${prefix.join("/")}/` }),
        );
        return (listing.Uploads ?? []).flatMap((upload) => (upload.Key === undefined ? [] : [upload.Key]));
      } finally {
        client.destroy();
      }
    },
  };
}

describe("Amazon S3 (opt-in)", { skip: ROOT === undefined, meta: { skipReason: SKIP_REASON } }, () => {
  describeArtifactStoreContract("S3ArtifactStore on Amazon S3", fixture, { timeout: 300_000 });
});
