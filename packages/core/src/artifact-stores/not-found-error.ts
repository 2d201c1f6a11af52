/**
 * Whether a backend's native error means "not found": `ENOENT`, `NoSuchKey`, `NotFound` codes or
 * names and HTTP 404 (`$metadata.httpStatusCode`, `code`, `status`, `statusCode`).
 */
export function isNotFoundError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as {
    code?: unknown;
    name?: unknown;
    status?: unknown;
    statusCode?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  return (
    e.code === "ENOENT" ||
    e.code === "NoSuchKey" ||
    e.code === "NotFound" ||
    e.name === "NoSuchKey" ||
    e.name === "NotFound" ||
    e.code === 404 ||
    e.status === 404 ||
    e.statusCode === 404 ||
    e.$metadata?.httpStatusCode === 404
  );
}
