import { describeArtifactStoreContract } from "@flavorstack/testing/artifact-store";
import { afterAll } from "vitest";
import { startGcsFixtures } from "./test-support/gcs-fixture.js";

// Google's storage emulator (firebase-tools) in a child process, checking the self-signed tokens of the store's
// service account key; every test gets a fresh prefix of one bucket.
const { emulator, fixture } = await startGcsFixtures();
afterAll(() => emulator.stop());

describeArtifactStoreContract("GcsArtifactStore on the GCS emulator", fixture, { timeout: 60_000 });
