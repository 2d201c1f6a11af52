import { randomUUID } from "node:crypto";
import {
  type ArtifactStoreContractFixture,
  type ArtifactStoreContractOptions,
  describeArtifactStoreContract,
} from "@flavorstack/testing/artifact-store";
import { describe } from "vitest";
import { S3ArtifactStoreFlavor } from "./s3-artifact-store-flavor.js";
import { BUCKET, SWIFT_SKIP_REASON, useSwift } from "./test-support/swift-store.js";

/**
 * The 100 MiB case's bound on RSS growth: lib-storage copies every part, and V8 collects those copies lazily, so the
 * first such stream in a process grows RSS by 50 to 113 MiB here (a second one by 20 to 30); see
 * s3-artifact-store.test.ts.
 */
const CONTRACT_OPTIONS: ArtifactStoreContractOptions = {
  // Writing 1,001 files one by one takes a minute on a loaded machine.
  timeout: 300_000,
  largeStreamRssBound: 128 * 1024 * 1024,
};

const swift = useSwift();

describe("S3ArtifactStore on OpenStack Swift (s3api, SigV4 checked)", {
  skip: SWIFT_SKIP_REASON !== undefined,
  meta: { skipReason: SWIFT_SKIP_REASON },
}, () => {
  describeArtifactStoreContract(
    "S3ArtifactStore",
    async (): Promise<ArtifactStoreContractFixture> => {
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
    CONTRACT_OPTIONS,
  );
});
