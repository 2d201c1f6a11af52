import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { inspect } from "node:util";
import { ArtifactStoreError } from "@flavorstack/core/plugin";
import { generatedBytes, hashStream } from "@flavorstack/testing/artifact-store";
import { Storage } from "@google-cloud/storage";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { GcsArtifactStoreFlavor } from "./gcs-artifact-store-flavor.js";
import { storageOptions } from "./gcs-client.js";
import { listPages } from "./gcs-listing.js";
import { BUCKET, type GcsContractFixture, startGcsFixtures } from "./test-support/gcs-fixture.js";

const { emulator, fixture, storeAt, keys } = await startGcsFixtures();
afterAll(() => emulator.stop());

let current: GcsContractFixture;
beforeEach(async () => {
  current = await fixture();
});
afterEach(() => current.cleanup());

/** The object key of a path in {@link BUCKET}. */
function keyOf(path: string): string {
  return path.slice(`gs://${BUCKET}/`.length);
}

/** Every message of an error and its causes, its string form, and its full inspection. */
function everything(error: unknown): string {
  const parts: string[] = [String(error), inspect(error, { depth: 12 })];
  for (let cause = error; cause instanceof Error; cause = cause.cause) parts.push(cause.message);
  return parts.join("\n");
}

async function failure(attempt: () => Promise<unknown>): Promise<Error> {
  const outcome = await attempt().then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error("the operation succeeded");
  return outcome;
}

describe("GcsArtifactStore: prefixes", () => {
  const MANY = 1050;

  it(`lists, walks and removes ${MANY} keys under one prefix (more than one page)`, async () => {
    const { store } = current;
    // Written through the SDK's simple uploads, to spend the time on what is tested.
    const bucket = new Storage(await storageOptions(store.config, store.path)).bucket(BUCKET);
    const prefix = `${keyOf(store.join("many"))}/`;
    const names = Array.from({ length: MANY }, (_, i) => `f${String(i).padStart(4, "0")}.txt`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(
        names.slice(i, i + 50).map((name) => bucket.file(`${prefix}${name}`).save(name, { resumable: false })),
      );
    }
    await store.writeFile("many/sub/inner.txt", "inner");
    await store.writeFile("manyx.txt", "a sibling sharing the prefix's leading string");

    let pages = 0;
    for await (const _ of listPages(bucket, { prefix })) pages++;
    expect(pages).toBe(2);
    expect(await store.listdir("many")).toEqual([...names, "sub"]);
    const walked = [];
    for await (const entry of store.walk("many")) walked.push(entry);
    expect(walked).toEqual([
      [store.join("many"), ["sub"], names],
      [store.join("many/sub"), [], ["inner.txt"]],
    ]);
    expect(await store.glob("many/f10*.txt")).toHaveLength(50);

    await store.rmtree("many");
    expect(await store.exists("many")).toBe(false);
    expect(await store.listdir("")).toEqual(["manyx.txt"]);
  }, 120_000);

  it("keeps a prefix and a sibling that shares its leading string apart", async () => {
    const { store } = current;
    await store.writeFile("a/b/1.txt", "1");
    await store.writeFile("a/bc/2.txt", "2");
    await store.writeFile("a/bc.txt", "3");
    expect(await store.listdir("a")).toEqual(["b", "bc", "bc.txt"]);
    expect(await store.isdir("a/b")).toBe(true);
    expect(await store.isdir("a/bc.txt")).toBe(false);
    await store.rmtree("a/b");
    expect(await store.listdir("a")).toEqual(["bc", "bc.txt"]);
  });

  it("tells files and prefixes apart in writes, removals and copies", async () => {
    const { store } = current;
    await store.writeFile("d/f.txt", "f");
    await expect(store.writeFile("d", "x")).rejects.toThrow(
      /Cannot write `.*\/d` in artifact store `.*`: it is a directory/,
    );
    await expect(store.rmtree("d/f.txt")).rejects.toThrow(
      /Cannot remove the tree `.*\/d\/f\.txt` .*: it is a file\. Use remove\(\)/,
    );
    await expect(store.remove("d")).rejects.toThrow(/`.*\/d` is a directory in artifact store .*: use rmtree\(\)/);
    await expect(store.copyfile("d", "e")).rejects.toThrow(/`.*\/d` is a directory/);
    expect(await store.listdir("")).toEqual(["d"]);
  });

  it("treats folder placeholders (names ending in /) as directories, not files", async () => {
    const { store } = current;
    const bucket = new Storage(await storageOptions(store.config, store.path)).bucket(BUCKET);
    await bucket.file(`${keyOf(store.join("folder"))}/`).save("", { resumable: false });
    await store.writeFile("folder/x.txt", "x");
    expect(await store.listdir("folder")).toEqual(["x.txt"]);
    const walked = [];
    for await (const entry of store.walk("")) walked.push(entry);
    expect(walked).toEqual([
      [store.path, ["folder"], []],
      [store.join("folder"), [], ["x.txt"]],
    ]);
  });
});

describe("GcsArtifactStore: streaming", () => {
  it("leaves neither an object nor an open upload session when a write is destroyed", async () => {
    const { store } = current;
    const writer = await store.openWrite("partial/blob.bin");
    writer.write(Buffer.alloc(256 * 1024, 1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await current.listPendingUploads?.()).toEqual([
      store.relative("partial/blob.bin").replace(/^/, `${store.path.slice(`gs://${BUCKET}/`.length)}/`),
    ]);
    const closed = new Promise((resolve) => writer.once("close", resolve));
    writer.destroy();
    await closed;
    expect(await current.listPendingUploads?.()).toEqual([]);
    expect(await store.exists("partial/blob.bin")).toBe(false);
    expect(await store.exists("partial")).toBe(false);
  });

  const LARGE = 100 * 1024 * 1024;
  const RSS_BOUND = 96 * 1024 * 1024;

  it(`streams ${LARGE / 1024 / 1024} MiB up and back with the same sha256 and bounded RSS`, async () => {
    const { store } = current;
    const expected = await hashStream(generatedBytes(LARGE));
    globalThis.gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 20);
    try {
      await pipeline(generatedBytes(LARGE), await store.openWrite("large/blob.bin"));
      expect(await store.size("large/blob.bin")).toBe(LARGE);
      const actual = await hashStream(await store.openRead("large/blob.bin"));
      expect(actual).toMatchObject({ bytes: LARGE, sha256: expected.sha256 });
    } finally {
      clearInterval(sampler);
    }
    console.info(`100 MiB up and back: RSS grew by ${((peak - baseline) / 1024 / 1024).toFixed(1)} MiB`);
    expect(peak - baseline).toBeLessThan(RSS_BOUND);
  }, 180_000);
});

describe("GcsArtifactStore: credentials and buckets", () => {
  it("signs with a key given as a file path as with the same key inline", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-gcs-key-"));
    try {
      const keyFile = path.join(dir, "key.json");
      await writeFile(keyFile, keys.account.json, { mode: 0o600 });
      const fromFile = await storeAt(current.store.path, keyFile);
      await fromFile.writeFile("k.txt", "from the key file");
      expect((await current.store.readFile("k.txt")).toString()).toBe("from the key file");

      const missing = await storeAt(current.store.path, path.join(dir, "missing.json"));
      const error = await failure(() => missing.listdir(""));
      expect(error).toBeInstanceOf(ArtifactStoreError);
      expect(error.message).toMatch(
        /Could not read the service account key file `.*missing\.json`.*check the credentials/,
      );

      await writeFile(keyFile, keys.account.json.slice(0, -3));
      const broken = await storeAt(current.store.path, keyFile);
      const brokenError = await failure(() => broken.exists("k.txt"));
      expect(brokenError.message).toMatch(
        /The key file `.*key\.json` of artifact store `.*` is not valid JSON: check the credentials/,
      );
      expect(everything(brokenError)).not.toContain(keys.account.key.private_key.slice(40, 80));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["a key the server does not know (401)", () => keys.stranger, 401],
    ["a key whose account may not access the bucket (403)", () => keys.forbidden, 403],
  ])("says to check the credentials for %s, without the key anywhere", async (_label, key, status) => {
    const store = await storeAt(current.store.path, key().json);
    for (const attempt of [
      () => store.writeFile("x.txt", "x"),
      () => store.readFile("x.txt"),
      () => store.listdir(""),
      () => store.exists("x.txt"),
    ]) {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(ArtifactStoreError);
      expect(error.message).toContain(`artifact store \`${store.path}\` (HTTP ${status})`);
      expect(error.message).toMatch(/Check the credentials: the service account JSON key in `serviceAccountJson`/);
      const text = everything(error);
      for (const secret of [key().key.private_key, key().json, keys.account.key.private_key]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(secret.slice(100, 160));
      }
    }
  });

  it("says which bucket does not exist and what to do", async () => {
    const store = await storeAt("gs://flavorstack-no-such-bucket/prefix");
    for (const attempt of [
      () => store.writeFile("x.txt", "x"),
      () => store.readFile("x.txt"),
      () => store.listdir(""),
      () => store.exists("x.txt"),
      () => store.isdir(""),
      () => store.stat("x.txt"),
    ]) {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(ArtifactStoreError);
      expect(error.message).toBe(
        "Bucket `flavorstack-no-such-bucket` of artifact store `gs://flavorstack-no-such-bucket/prefix` does not exist. " +
          "Create it (gcloud storage buckets create gs://flavorstack-no-such-bucket) or fix the store's `path`.",
      );
    }
  });

  it("keeps the key out of String(), inspect() and the container environment", async () => {
    const { store } = current;
    for (const text of [
      String(store),
      String(store.config),
      inspect(store, { depth: 8 }),
      JSON.stringify(store.containerEnvironment()),
    ]) {
      expect(text).not.toContain(keys.account.key.private_key.slice(40, 80));
      expect(text).not.toContain("client_email");
    }
    expect(inspect(store)).toContain("serviceAccountJson: '***'");
    expect(store.containerEnvironment()).toEqual({ STORAGE_EMULATOR_HOST: emulator.endpoint });
    const onGoogle = await GcsArtifactStoreFlavor.createComponent({ name: "g", config: { path: "gs://bucket/p" } });
    expect(onGoogle.containerEnvironment()).toEqual({});
  });
});
