import type { _Object, S3Client } from "@aws-sdk/client-s3";
import type { S3Sdk } from "./s3-client.js";

/** One page of a listing: objects and, with a delimiter, the common prefixes ("subdirectories"). */
export interface S3ListingPage {
  objects: _Object[];
  prefixes: string[];
}

export interface S3ListingRequest {
  bucket: string;
  prefix: string;
  /** `/` for one level (a directory's entries); none for everything below `prefix`. */
  delimiter?: string;
  /** Stop after this many keys in all (e.g. 1 to ask whether anything is below a prefix). */
  maxKeys?: number;
}

/** ListObjectsV2, page by page (S3 gives at most 1,000 keys a page), following continuation tokens. */
export async function* listPages(
  sdk: S3Sdk,
  client: S3Client,
  request: S3ListingRequest,
): AsyncGenerator<S3ListingPage> {
  let continuationToken: string | undefined;
  do {
    const page = await client.send(
      new sdk.ListObjectsV2Command({
        Bucket: request.bucket,
        Prefix: request.prefix,
        Delimiter: request.delimiter,
        ContinuationToken: continuationToken,
        MaxKeys: request.maxKeys,
      }),
    );
    yield {
      objects: page.Contents ?? [],
      prefixes: (page.CommonPrefixes ?? []).flatMap((entry) => (entry.Prefix === undefined ? [] : [entry.Prefix])),
    };
    if (request.maxKeys !== undefined) return;
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
}
