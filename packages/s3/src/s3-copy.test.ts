import { pipeline } from "node:stream/promises";
import * as sdk from "@aws-sdk/client-s3";
import { generatedBytes, hashStream } from "@flavorstack/testing/artifact-store";
import { describe, expect, it } from "vitest";
import { copyS3Object, type S3CopyRequest } from "./s3-copy.js";
import { BUCKET, SWIFT_SKIP_REASON, useSwift } from "./test-support/swift-store.js";

const swift = useSwift();
const MIB = 1024 * 1024;
/** Small limits, so that an 11 MiB object takes the multipart path that 5 GiB objects take with the real ones. */
const SMALL_LIMITS = { copyObjectLimit: MIB, partSize: 5 * MIB };

describe("copyS3Object on OpenStack Swift", {
  skip: SWIFT_SKIP_REASON !== undefined,
  meta: { skipReason: SWIFT_SKIP_REASON },
  timeout: 120_000,
}, () => {
  it("copies an object above the CopyObject limit as UploadPartCopy ranges", async () => {
    const store = await swift.store();
    const bytes = 11 * MIB + 3;
    await pipeline(generatedBytes(bytes), await store.openWrite("source.bin"));
    const key = (name: string) => store.join(name).slice(`s3://${BUCKET}/`.length);
    const request: S3CopyRequest = {
      sdk,
      client: swift.client(),
      bucket: BUCKET,
      srcKey: key("source.bin"),
      dstKey: key("copy.bin"),
      size: bytes,
      parameters: { Metadata: { origin: "copy" } },
      sseCustomer: {},
    };
    await copyS3Object(request, SMALL_LIMITS);
    const copy = await hashStream(await store.openRead("copy.bin"));
    expect(copy).toMatchObject({ bytes, sha256: (await hashStream(generatedBytes(bytes))).sha256 });
    const head = await swift.client().send(new sdk.HeadObjectCommand({ Bucket: BUCKET, Key: key("copy.bin") }));
    // A multipart object's ETag ends in the number of its parts: 11 MiB in 5 MiB ranges.
    expect(head.ETag).toMatch(/-3"?$/);
    expect(head.Metadata).toEqual({ origin: "copy" });
    expect(await swift.pendingUploads(store.path)).toEqual([]);
  });

  it("aborts the multipart copy when a range fails: no object, no pending upload", async () => {
    const store = await swift.store();
    const key = (name: string) => store.join(name).slice(`s3://${BUCKET}/`.length);
    const request: S3CopyRequest = {
      sdk,
      client: swift.client(),
      bucket: BUCKET,
      srcKey: key("missing.bin"),
      dstKey: key("copy.bin"),
      size: 11 * MIB,
      parameters: {},
      sseCustomer: {},
    };
    await expect(copyS3Object(request, SMALL_LIMITS)).rejects.toMatchObject({ name: "NoSuchKey" });
    expect(await swift.pendingUploads(store.path)).toEqual([]);
    expect(await store.exists("copy.bin")).toBe(false);
  });
});
