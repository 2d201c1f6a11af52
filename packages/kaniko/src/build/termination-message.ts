import { ImageReference } from "@flavorstack/core/plugin";

export type TerminationMessageResult = { ok: true; image: ImageReference } | { ok: false; problem: string };

const EXCERPT = 200;

/**
 * Reads kaniko's `--image-name-with-digest-file` output (one
 * `<repository>@sha256:<hex>` line per destination) from the termination
 * message. Success only with a line naming the requested repository (compared
 * canonically: kaniko writes Docker Hub names as `index.docker.io/...`); the
 * result is the requested reference with that digest.
 */
export function parseTerminationMessage(
  message: string | undefined,
  requested: ImageReference,
): TerminationMessageResult {
  const lines = (message ?? "")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (lines.length === 0) {
    return {
      ok: false,
      problem:
        "the executor exited 0 but left no termination message, so the pushed digest is unknown. kaniko writes '<repository>@sha256:<digest>' there (--image-name-with-digest-file=/dev/termination-log); check that executorArgs do not override that flag, and that the executor image is kaniko",
    };
  }
  const references = lines.map((line) => ({ line, reference: ImageReference.tryParse(line) }));
  const withDigest = references.filter(
    (entry): entry is { line: string; reference: ImageReference } =>
      entry.reference !== undefined && /^sha256:[a-f0-9]{64}$/.test(entry.reference.digest ?? ""),
  );
  const match = withDigest.find((entry) => entry.reference.sameRepository(requested));
  if (match) {
    return { ok: true, image: requested.withDigest(match.reference.digest) };
  }
  if (withDigest.length > 0) {
    const names = withDigest.map((entry) => `'${entry.reference.name}'`).join(", ");
    return {
      ok: false,
      problem: `the executor reports a push to ${names}, not to the requested repository '${requested.name}' (${requested.canonicalName}); check executorArgs for another --destination`,
    };
  }
  const text = lines.join(" | ");
  const excerpt = text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
  return {
    ok: false,
    problem: `the termination message ${JSON.stringify(excerpt)} is not an image reference with a digest; expected '${requested.name}@sha256:<64 hex digits>' as kaniko writes it`,
  };
}
