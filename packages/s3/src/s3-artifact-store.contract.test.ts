import { randomUUID } from "node:crypto";
import { type ArtifactStoreContractFixture, describeArtifactStoreContract } from "@flavorstack/testing/artifact-store";
import { describe } from "vitest";
import { S3ArtifactStoreFlavor } from "./s3-artifact-store-flavor.js";
import { BUCKET, SWIFT_SKIP_REASON, useSwift } from "./test-support/swift-store.js";

/** The hooks of contract-hooks.md, until the suite's fixture type has them. */
type S3ContractFixture = ArtifactStoreContractFixture & {
  secrets?: readonly string[];
  withWrongCredentials?(): Promise<ArtifactStoreContractFixture["store"]>;
  withMissingBucket?(): Promise<ArtifactStoreContractFixture["store"]>;
  listPendingUploads?(): Promise<string[]>;
};

const swift = useSwift();

describe("S3ArtifactStore on OpenStack Swift (s3api, SigV4 checked)", {
  skip: SWIFT_SKIP_REASON !== undefined,
  meta: { skipReason: SWIFT_SKIP_REASON },
}, () => {
  describeArtifactStoreContract(
    "S3ArtifactStore",
    async (): Promise<S3ContractFixture> => {
      const config = swift.config();
      const wrongSecret = `wrong-${randomUUID()}`;
      const store = await S3ArtifactStoreFlavor.createComponent({ name: "swift", config });
      return {
        store,
        cleanup: () => store.rmtree(""),
        secrets: [config.secret as string, config.key as string, wrongSecret],
        withWrongCredentials: () =>
          S3ArtifactStoreFlavor.createComponent({ name: "wrong", config: { ...config, secret: wrongSecret } }),
        withMissingBucket: () =>
          S3ArtifactStoreFlavor.createComponent({
            name: "missing",
            config: { ...config, path: `s3://missing-${BUCKET}-${randomUUID().slice(0, 8)}/root` },
          }),
        listPendingUploads: () => swift.pendingUploads(store.path),
      };
    },
    { timeout: 120_000 },
  );
});
