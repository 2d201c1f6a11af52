/** A destination split the way go-containerregistry (and so kaniko) reads it. */
export interface ImageDestination {
  /** Registry host (with port), `index.docker.io` for Docker Hub. */
  registry: string;
  /** Repository path inside the registry (`library/x` for official Docker Hub images). */
  path: string;
  /** The tag, `latest` when none is given. */
  tag: string;
  /** `registry/path`: what kaniko writes before `@sha256:` in `--image-name-with-digest-file`. */
  repository: string;
}

/** Parses an image destination (`host:port/repo:tag`, `repo`, `user/repo:tag`, ...). */
export function parseImageDestination(destination: string): ImageDestination {
  const withoutDigest = destination.split("@")[0] as string;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const hasTag = colon > slash;
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : "latest";
  const [first, ...rest] = name.split("/");
  const firstIsRegistry = rest.length > 0 && (first?.includes(".") || first?.includes(":") || first === "localhost");
  let registry = firstIsRegistry ? (first as string) : "index.docker.io";
  if (registry === "docker.io") registry = "index.docker.io";
  let path = firstIsRegistry ? rest.join("/") : name;
  if (registry === "index.docker.io" && !path.includes("/")) path = `library/${path}`;
  if (!path || !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) {
    throw new Error(`invalid reference format: repository name must be lowercase: ${destination}`);
  }
  return { registry, path, tag, repository: `${registry}/${path}` };
}

/** Whether go-containerregistry would talk plain HTTP to this registry (loopback, localhost, RFC 1918). */
export function isPlainHttpRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1") return true;
  if (/^127\./.test(host) || /^10\./.test(host) || /^192\.168\./.test(host)) return true;
  return /^172\.(1[6-9]|2\d|3[01])\./.test(host);
}
