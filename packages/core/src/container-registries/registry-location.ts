import { ImageReference } from "../image-builders/image-reference.js";

const PROBE = "probe/probe";

/** Where a registry URI points: its registry host and the repository path prefix under it. */
export interface RegistryLocation {
  /** `host[:port]` with Docker Hub's aliases normalised to `docker.io`. */
  domain: string;
  /** The repository prefix images must live under; empty for the whole registry. */
  namespace: string;
}

/** Parses `host[:port][/namespace]` (a bare namespace means Docker Hub); undefined when malformed. */
export function parseRegistryUri(uri: string): RegistryLocation | undefined {
  const reference = ImageReference.tryParse(`${uri}/${PROBE}`);
  if (!reference || reference.tag !== undefined || reference.digest !== undefined) return undefined;
  return { domain: reference.domain, namespace: reference.path.slice(0, -PROBE.length).replace(/\/$/, "") };
}

/** localhost, `*.localhost`, 127.0.0.0/8 and ::1, with any port. */
export function isLocalRegistryHost(domain: string): boolean {
  const host = domain.startsWith("[") ? domain.slice(1, domain.indexOf("]")) : domain.replace(/:\d+$/, "");
  const lower = host.toLowerCase();
  return (
    lower === "localhost" ||
    lower.endsWith(".localhost") ||
    lower === "::1" ||
    /^127\.(?:\d{1,3})\.(?:\d{1,3})\.(?:\d{1,3})$/.test(lower)
  );
}
