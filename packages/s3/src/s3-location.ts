/** A store path as S3 sees it: `s3://bucket/a/b` is bucket `bucket`, key `a/b`; the bucket itself has key `""`. */
export interface S3Location {
  bucket: string;
  key: string;
}

/** Splits a resolved `s3://bucket[/key]` path. */
export function parseS3Path(path: string): S3Location {
  const rest = path.slice("s3://".length);
  const slash = rest.indexOf("/");
  return slash === -1 ? { bucket: rest, key: "" } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** The key prefix of the objects below a directory key: `a/b` → `a/b/`, the bucket's root → `""`. */
export function directoryPrefix(key: string): string {
  return key === "" ? "" : `${key}/`;
}
