import { ArtifactStoreError } from "../errors.js";

// The messages of the errors every store raises; `root` is the store's root, as in ZenML's words.

export function outOfBoundsError(path: string, root: string, example: string): ArtifactStoreError {
  return new ArtifactStoreError(
    `File \`${path}\` is outside of artifact store bounds \`${root}\`. ` +
      `Use a path inside the store: relative to its root (e.g. \`a.txt\`) or absolute under it (e.g. \`${example}\`).`,
  );
}

export function notFoundError(path: string, root: string, cause?: unknown): ArtifactStoreError {
  return new ArtifactStoreError(
    `File \`${path}\` does not exist in artifact store \`${root}\`. Check the path (\`exists()\` tells whether a path is there, \`listdir()\` what a directory holds).`,
    { cause },
  );
}

export function alreadyExistsError(path: string, root: string, operation: "copy" | "rename"): ArtifactStoreError {
  return new ArtifactStoreError(
    `Cannot ${operation} onto \`${path}\`: it already exists in artifact store \`${root}\`. Pass \`{ overwrite: true }\` to replace it, or choose another destination.`,
  );
}

export function directoryDestinationError(
  path: string,
  root: string,
  operation: "copy" | "rename",
): ArtifactStoreError {
  return new ArtifactStoreError(
    `Cannot ${operation} onto \`${path}\`: it is a directory in artifact store \`${root}\`, which is never replaced, not even with \`{ overwrite: true }\`. Give the destination's full path (e.g. \`${path}/<name>\`), or remove the directory with rmtree() first.`,
  );
}

export function operationError(operation: string, path: string, root: string, cause: unknown): ArtifactStoreError {
  const code = (cause as { code?: unknown } | null)?.code;
  const detail = typeof code === "string" || typeof code === "number" ? ` (${code})` : "";
  return new ArtifactStoreError(
    `Could not ${operation} \`${path}\` in artifact store \`${root}\`${detail}. ` +
      "Check that the path is of the right kind (file or directory), that the store is reachable and that you may access it; the cause has the details.",
    { cause },
  );
}

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
