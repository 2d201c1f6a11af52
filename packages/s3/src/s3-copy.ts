import type { CompletedPart, S3Client } from "@aws-sdk/client-s3";
import type { S3Sdk } from "./s3-client.js";

/** The largest object one CopyObject copies (S3's limit): beyond it, the copy is a multipart upload of ranges. */
const COPY_OBJECT_LIMIT = 5 * 1024 ** 3;
/** Bytes per UploadPartCopy: 10,000 parts of it cover 5 TiB, S3's largest object. */
const COPY_PART_SIZE = 512 * 1024 ** 2;
/** UploadPartCopy requests in flight (the bytes move on the server, not through this process). */
const PART_COPY_CONCURRENCY = 4;

export interface S3CopyRequest {
  sdk: S3Sdk;
  client: S3Client;
  bucket: string;
  srcKey: string;
  dstKey: string;
  /** The source's size, from HeadObject or a listing. */
  size: number;
  /** `s3AdditionalKwargs`, for the new object. */
  parameters: Record<string, unknown>;
  /** The SSE-C parameters (`SSECustomer*`): the source needs them as `CopySourceSSECustomer*`, the parts as they are. */
  sseCustomer: Record<string, unknown>;
}

export interface S3CopyLimits {
  copyObjectLimit: number;
  partSize: number;
}

/**
 * A server-side copy: one CopyObject up to 5 GiB, else a multipart upload whose parts are UploadPartCopy ranges of
 * the source, aborted if any part fails (no parts are left behind).
 */
export async function copyS3Object(
  request: S3CopyRequest,
  limits: S3CopyLimits = { copyObjectLimit: COPY_OBJECT_LIMIT, partSize: COPY_PART_SIZE },
): Promise<void> {
  const { sdk, client, bucket, srcKey, dstKey, size, parameters, sseCustomer } = request;
  const CopySource = `${bucket}/${srcKey.split("/").map(encodeURIComponent).join("/")}`;
  const sourceSse = Object.fromEntries(
    Object.entries(sseCustomer).map(([name, value]) => [`CopySource${name}`, value]),
  );
  if (size <= limits.copyObjectLimit) {
    await client.send(
      new sdk.CopyObjectCommand({ ...parameters, ...sourceSse, Bucket: bucket, Key: dstKey, CopySource }),
    );
    return;
  }
  const target = { Bucket: bucket, Key: dstKey };
  const { UploadId } = await client.send(new sdk.CreateMultipartUploadCommand({ ...parameters, ...target }));
  try {
    const ranges: Array<[number, number]> = [];
    for (let start = 0; start < size; start += limits.partSize) {
      ranges.push([start, Math.min(start + limits.partSize, size) - 1]);
    }
    const parts: CompletedPart[] = [];
    for (let first = 0; first < ranges.length; first += PART_COPY_CONCURRENCY) {
      const batch = ranges.slice(first, first + PART_COPY_CONCURRENCY).map(async ([start, end], index) => {
        const PartNumber = first + index + 1;
        const result = await client.send(
          new sdk.UploadPartCopyCommand({
            ...sourceSse,
            ...sseCustomer,
            ...target,
            UploadId,
            PartNumber,
            CopySource,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts[PartNumber - 1] = { PartNumber, ETag: result.CopyPartResult?.ETag };
      });
      await Promise.all(batch);
    }
    await client.send(
      new sdk.CompleteMultipartUploadCommand({
        ...sseCustomer,
        ...target,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    // The copy's own failure is what the caller needs; a failed abort leaves the parts to the bucket's lifecycle rules.
    await client.send(new sdk.AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => undefined);
    throw error;
  }
}
