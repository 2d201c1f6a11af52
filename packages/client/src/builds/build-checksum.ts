import { createHash } from "node:crypto";

/** Everything a build's result depends on; equal inputs give an equal checksum. */
export interface BuildChecksumInputs {
  /** `BuildContext.checksum()`: the archive's entries. */
  context: string;
  dockerfile: string;
  buildArgs: Readonly<Record<string, string>>;
  labels: Readonly<Record<string, string>>;
  target: string | undefined;
  /** The image builder's flavor and its config without secret fields. */
  builder: { flavor: string; config: Readonly<Record<string, unknown>> };
  /** Each base image with its digest, or null when no registry could tell it. */
  baseImages: readonly { image: string; digest: string | null }[];
}

/** sha256 of the inputs as canonical JSON (object keys sorted at every depth). */
export function buildChecksum(inputs: BuildChecksumInputs): string {
  return createHash("sha256")
    .update(canonicalJson({ version: 1, ...inputs }))
    .digest("hex");
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
