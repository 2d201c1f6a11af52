import { randomBytes } from "node:crypto";
import { describeArtifactStoreContract } from "@flavorstack/testing/artifact-store";
import { describe } from "vitest";
import { GcsArtifactStoreFlavor } from "./gcs-artifact-store-flavor.js";
import type { GcsContractFixture } from "./test-support/gcs-fixture.js";
import { createServiceAccountKey } from "./test-support/service-account-keys.js";

// Opt-in: the contract against real Cloud Storage, with application default credentials, under a fresh prefix of
// FLAVORSTACK_E2E_GCS_PATH (gs://bucket[/prefix]) per test, removed afterwards.
const ROOT = process.env.FLAVORSTACK_E2E_GCS_PATH?.replace(/\/+$/, "");
const SKIP_REASON =
  "set FLAVORSTACK_E2E_GCS_PATH=gs://bucket[/prefix] (and application default credentials) to run it against Cloud Storage";

async function fixture(): Promise<GcsContractFixture> {
  const run = `flavorstack-contract-${randomBytes(6).toString("hex")}`;
  const store = await GcsArtifactStoreFlavor.createComponent({ name: "gcs", config: { path: `${ROOT}/${run}` } });
  const stranger = createServiceAccountKey("stranger", { googleUniverse: true });
  return {
    store,
    secrets: [stranger.key.private_key, stranger.json],
    cleanup: async () => {
      if (await store.exists("")) await store.rmtree("");
    },
    // A key of no real account: Google's token endpoint refuses it (invalid_grant).
    withWrongCredentials: () =>
      GcsArtifactStoreFlavor.createComponent({
        name: "gcs",
        config: { path: store.path, serviceAccountJson: stranger.json },
      }),
    withMissingBucket: () =>
      GcsArtifactStoreFlavor.createComponent({ name: "gcs", config: { path: `gs://${run}-missing/x` } }),
    // Cloud Storage has no API that lists open resumable sessions: nothing to list, whatever is left open.
    listPendingUploads: async () => [],
  };
}

describe("Cloud Storage (opt-in)", { skip: ROOT === undefined, meta: { skipReason: SKIP_REASON } }, () => {
  describeArtifactStoreContract("GcsArtifactStore on Cloud Storage", fixture, { timeout: 300_000 });
});
