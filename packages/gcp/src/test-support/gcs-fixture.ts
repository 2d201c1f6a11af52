import type { ArtifactStoreContractFixture } from "@flavorstack/testing/artifact-store";
import { type GcsEmulator, startGcsEmulator } from "@flavorstack/testing/servers";
import type { GcsArtifactStore } from "../gcs-artifact-store.js";
import { GcsArtifactStoreFlavor } from "../gcs-artifact-store-flavor.js";
import { createServiceAccountKey } from "./service-account-keys.js";

/** The contract's fixture, with the store typed as what it is. */
export type GcsContractFixture = ArtifactStoreContractFixture & { store: GcsArtifactStore };

export const BUCKET = "flavorstack-contract";

/**
 * A GCS emulator that checks credentials, with one bucket, and a factory of fixtures: each a store on a fresh
 * prefix, signing its requests with a service account key the emulator accepts.
 */
export async function startGcsFixtures(): Promise<GcsFixtures> {
  const account = createServiceAccountKey("store");
  const stranger = createServiceAccountKey("stranger");
  const forbidden = createServiceAccountKey("forbidden");
  const pem = (key: typeof account.publicKey) => key.export({ type: "spki", format: "pem" }).toString();
  const emulator = await startGcsEmulator({
    accounts: { allowed: [pem(account.publicKey)], denied: [pem(forbidden.publicKey)] },
  });
  await emulator.createBucket(BUCKET);
  let runs = 0;

  const storeAt = (path: string, serviceAccountJson: string = account.json) =>
    GcsArtifactStoreFlavor.createComponent({
      name: "gcs",
      config: { path, serviceAccountJson, apiEndpoint: emulator.endpoint },
    });

  async function fixture(): Promise<GcsContractFixture> {
    const prefix = `run-${++runs}`;
    const store = await storeAt(`gs://${BUCKET}/${prefix}`, account.json);
    return {
      store,
      secrets: [account.key.private_key, account.json, stranger.key.private_key, stranger.json],
      cleanup: async () => {
        if (await store.exists("")) await store.rmtree("");
      },
      withWrongCredentials: () => storeAt(store.path, stranger.json),
      withMissingBucket: () => storeAt(`gs://flavorstack-missing-bucket/${prefix}`, account.json),
      // The emulator lists the resumable sessions it holds open (real GCS has no such listing).
      listPendingUploads: async () =>
        (await emulator.pendingUploads())
          .filter((upload) => upload.bucket === BUCKET && upload.name.startsWith(`${prefix}/`))
          .map((upload) => upload.name),
    };
  }
  return { emulator, fixture, storeAt, keys: { account, stranger, forbidden } };
}

type TestKey = ReturnType<typeof createServiceAccountKey>;

export interface GcsFixtures {
  emulator: GcsEmulator;
  /** A store on a fresh prefix of {@link BUCKET}, with the contract's hooks. */
  fixture(): Promise<GcsContractFixture>;
  /** A store at `path` with a key (default: the emulator's allowed account). */
  storeAt(path: string, serviceAccountJson?: string): Promise<GcsArtifactStore>;
  /** The allowed account's key, one the emulator does not know (401) and one it refuses (403). */
  keys: { account: TestKey; stranger: TestKey; forbidden: TestKey };
}
