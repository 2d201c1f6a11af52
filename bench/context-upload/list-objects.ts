import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, S3Client } from "@aws-sdk/client-s3";

/** Where the benchmark's Swift server is, and the keys to it. */
export interface S3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: string;
}

/** The AWS SDK straight at the server: the checks read the server's own listing, not our store's. */
function client(server: S3Server): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}

/** Every object under `prefix`, as the server lists it. */
export async function listObjects(server: S3Server, bucket: string, prefix: string): Promise<ListedObject[]> {
  const s3 = client(server);
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const item of page.Contents ?? []) {
      objects.push({ key: item.Key ?? "", size: item.Size ?? 0, lastModified: item.LastModified?.toISOString() ?? "" });
    }
    token = page.NextContinuationToken;
  } while (token);
  s3.destroy();
  return objects;
}

/** sha256 (hex) of an object as the server returns it. */
export async function objectSha256(server: S3Server, bucket: string, key: string): Promise<string> {
  const s3 = client(server);
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash("sha256");
  for await (const chunk of Body as Readable) hash.update(chunk as Buffer);
  s3.destroy();
  return hash.digest("hex");
}
