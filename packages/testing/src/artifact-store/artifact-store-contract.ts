import { afterEach, beforeEach, describe } from "vitest";
import type { ArtifactStoreContractFixture, ArtifactStoreContractOptions } from "./artifact-store-fixture.js";
import type { ContractContext } from "./contract-context.js";
import { describeCopyRenameContract } from "./copy-rename-contract.js";
import { describeDestroyedUploadContract } from "./destroyed-upload-contract.js";
import { describeFilesContract } from "./files-contract.js";
import { describeLargeStreamContract } from "./large-stream-contract.js";
import { describeManyKeysContract } from "./many-keys-contract.js";
import { describeMisconfiguredStoreContract } from "./misconfigured-store-contract.js";
import { describePathsContract } from "./paths-contract.js";
import { describeReadWriteContract } from "./read-write-contract.js";
import { describeSharedPrefixContract } from "./shared-prefix-contract.js";
import { describeSymbolicLinksContract } from "./symbolic-links-contract.js";
import { describeWalkGlobContract } from "./walk-glob-contract.js";

const MIB = 1024 * 1024;
/** Extra time the many-key cases get per key (writing them 32 at a time, listing, removing). */
const TIMEOUT_PER_KEY_MS = 50;
/** Extra time the big stream gets per MiB (generating and hashing it twice, writing, reading back). */
const TIMEOUT_PER_MIB_MS = 1_000;

/**
 * The behaviour every `ArtifactStore` must have, as a vitest suite. `setup` is called before
 * each test and must give a store whose root is empty (it need not exist yet); `cleanup` is called
 * after each test. Only files create directories here, so stores without real directories
 * (S3, GCS) pass as well.
 *
 * Beyond the plain operations, the suite checks paths that share a leading string (`a/b`, `a/bc`,
 * `a/b.txt`), `manyKeys` files under one prefix (listings past 1,000 keys), copy and rename with
 * and without overwrite, a streamed file of `largeStreamBytes` read back with its sha256 while the
 * process's RSS grows by at most `largeStreamRssBound`, paths outside the root, and uploads that
 * fail midway (after `streamBytes`). The many-key cases get `timeout` + 50 ms per key, the big
 * stream `timeout` + 1 s per MiB.
 *
 * The fixture's optional hooks enable the cases that need a server; a store without one has its
 * cases skipped, each with a `meta.skipReason` naming the hook:
 * - `symbolicLinks`: links out of the root are refused, links inside it work;
 * - `withWrongCredentials`: every operation fails with an `ArtifactStoreError` whose message has the
 *   store's `path` and the word "credentials";
 * - `withMissingBucket`: writes, reads and listings fail with an `ArtifactStoreError` that names the
 *   bucket, says it "does not exist" and to "create" it (or fix the path);
 * - `secrets` (with either of those two): no secret in the message, `String()` or cause chain of
 *   their errors;
 * - `listPendingUploads`: after a destroyed or failed upload has closed, the server lists none.
 *
 * A store's write stream reports its failures (refused credentials, missing bucket) as
 * `ArtifactStoreError`s too, and emits `close` only once the upload it started is aborted.
 *
 * ```ts
 * describeArtifactStoreContract("LocalArtifactStore", async () => {
 *   const dir = await mkdtemp(join(tmpdir(), "store-"));
 *   const store = await LocalArtifactStoreFlavor.createComponent({ name: "local", config: { path: join(dir, "root") } });
 *   return { store, cleanup: () => rm(dir, { recursive: true }) };
 * });
 * ```
 */
export function describeArtifactStoreContract(
  name: string,
  setup: () => Promise<ArtifactStoreContractFixture>,
  options: ArtifactStoreContractOptions = {},
): void {
  const streamBytes = options.streamBytes ?? 8 * MIB;
  const timeout = options.timeout ?? 30_000;
  const largeStreamBytes = options.largeStreamBytes ?? 100 * MIB;
  const largeStreamRssBound = options.largeStreamRssBound ?? 96 * MIB;
  const manyKeys = options.manyKeys ?? 1001;

  describe(`ArtifactStore contract: ${name}`, { timeout }, () => {
    let fixture: ArtifactStoreContractFixture | undefined;
    const current = (): ArtifactStoreContractFixture => {
      if (fixture === undefined) throw new Error("The contract's fixture is set up before each test.");
      return fixture;
    };
    const context: ContractContext = {
      storeName: name,
      get fixture() {
        return current();
      },
      get store() {
        return current().store;
      },
      async writeTree() {
        const { store } = current();
        await store.writeFile("a.txt", "a");
        await store.writeFile("d/b.txt", "b");
        await store.writeFile("d/e/c.txt", "c");
        await store.writeFile("d/f/g.txt", "g");
      },
    };

    // The hooks get the longest case's time: cleaning up after the many-key case removes all of its keys.
    const hookTimeout = timeout + manyKeys * TIMEOUT_PER_KEY_MS;
    beforeEach(async () => {
      fixture = await setup();
    }, hookTimeout);

    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    }, hookTimeout);

    describePathsContract(context);
    describeReadWriteContract(context, streamBytes);
    describeFilesContract(context);
    describeCopyRenameContract(context);
    describeSharedPrefixContract(context);
    describeWalkGlobContract(context);
    describeSymbolicLinksContract(context);
    describeMisconfiguredStoreContract(context);
    describeDestroyedUploadContract(context, streamBytes);
    describeManyKeysContract(context, manyKeys, timeout + manyKeys * TIMEOUT_PER_KEY_MS);
    describeLargeStreamContract(context, {
      largeStreamBytes,
      largeStreamRssBound,
      timeout: timeout + (largeStreamBytes / MIB) * TIMEOUT_PER_MIB_MS,
    });
  });
}
