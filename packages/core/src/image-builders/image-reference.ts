import { ImageReferenceError } from "../errors.js";

// The OCI distribution reference grammar (distribution/reference, regexp.go).
const ALPHA_NUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const HOST = `(?:${DOMAIN_NAME}|${IPV6})`;
const DOMAIN_PATTERN = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const PATH_PATTERN = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
const DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

const NAME_TOTAL_LENGTH_MAX = 255;
const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

export interface ImageReferenceParts {
  /** The registry host (and port) as written, or undefined when the name has none (Docker Hub). */
  registry?: string | undefined;
  /** The repository path, e.g. `library/python` or `team/app`. */
  repository: string;
  tag?: string | undefined;
  digest?: string | undefined;
}

/**
 * An image reference parsed by the OCI distribution grammar:
 * `[registry/]repository[:tag][@digest]`. Every image-name check in
 * flavorstack goes through it, never through string prefixes.
 */
export class ImageReference implements ImageReferenceParts {
  readonly registry: string | undefined;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;

  private constructor(parts: ImageReferenceParts) {
    this.registry = parts.registry;
    this.repository = parts.repository;
    this.tag = parts.tag;
    this.digest = parts.digest;
  }

  static parse(reference: string): ImageReference {
    if (typeof reference !== "string" || reference.length === 0) {
      throw invalid(String(reference), "it is empty");
    }
    if (reference !== reference.trim()) {
      throw invalid(reference, "it has leading or trailing whitespace");
    }
    let rest = reference;
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at !== -1) {
      digest = rest.slice(at + 1);
      rest = rest.slice(0, at);
      if (!DIGEST_PATTERN.test(digest)) {
        throw invalid(reference, `the digest '${digest}' is not of the form 'sha256:<hex>'`);
      }
      if (digest.startsWith("sha256:") && !SHA256_DIGEST_PATTERN.test(digest)) {
        throw invalid(reference, `the digest '${digest}' must be 'sha256:' followed by 64 lowercase hex digits`);
      }
    }
    let tag: string | undefined;
    const lastColon = rest.lastIndexOf(":");
    if (lastColon > rest.lastIndexOf("/")) {
      tag = rest.slice(lastColon + 1);
      rest = rest.slice(0, lastColon);
      if (!TAG_PATTERN.test(tag)) {
        throw invalid(
          reference,
          `the tag '${tag}' is not valid (letters, digits, '_', '.', '-'; up to 128 characters, not starting with '.' or '-')`,
        );
      }
    }
    if (rest.length === 0) throw invalid(reference, "it has no repository name");
    if (rest.length > NAME_TOTAL_LENGTH_MAX) {
      throw invalid(reference, `the name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
    }

    let registry: string | undefined;
    let repository = rest;
    const slash = rest.indexOf("/");
    if (slash !== -1) {
      const first = rest.slice(0, slash);
      if (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase()) {
        registry = first;
        repository = rest.slice(slash + 1);
        if (!DOMAIN_PATTERN.test(registry)) {
          throw invalid(reference, `the registry '${registry}' is not a valid host[:port]`);
        }
      }
    }
    if (!PATH_PATTERN.test(repository)) {
      const hint =
        repository !== repository.toLowerCase()
          ? "repository names must be lowercase"
          : "repository path components are lowercase letters and digits separated by '.', '_', '__' or '-', joined by '/'";
      throw invalid(reference, `the repository '${repository}' is not valid: ${hint}`);
    }
    return new ImageReference({ registry, repository, tag, digest });
  }

  /** Parses without throwing; undefined when the reference is invalid. */
  static tryParse(reference: string): ImageReference | undefined {
    try {
      return ImageReference.parse(reference);
    } catch {
      return undefined;
    }
  }

  static from(reference: string | ImageReference): ImageReference {
    return typeof reference === "string" ? ImageReference.parse(reference) : reference;
  }

  /** The registry with Docker Hub's default and aliases normalised to `docker.io`. */
  get domain(): string {
    if (this.registry === undefined || DOCKER_HUB_ALIASES.has(this.registry)) return DOCKER_HUB;
    return this.registry;
  }

  /** The repository path as the registry knows it (`library/` added for official Docker Hub images). */
  get path(): string {
    if (this.domain === DOCKER_HUB && !this.repository.includes("/")) return `library/${this.repository}`;
    return this.repository;
  }

  /** `registry/repository` as written, without tag or digest. */
  get name(): string {
    return this.registry === undefined ? this.repository : `${this.registry}/${this.repository}`;
  }

  /** `domain/path`: the fully qualified repository, equal for every spelling of the same repository. */
  get canonicalName(): string {
    return `${this.domain}/${this.path}`;
  }

  /** True when both name the same repository (tags and digests ignored). */
  sameRepository(other: string | ImageReference): boolean {
    return this.canonicalName === ImageReference.from(other).canonicalName;
  }

  withTag(tag: string | undefined): ImageReference {
    return ImageReference.parse(formatImageReference({ ...this.parts(), tag }));
  }

  withDigest(digest: string | undefined): ImageReference {
    return ImageReference.parse(formatImageReference({ ...this.parts(), digest }));
  }

  parts(): ImageReferenceParts {
    return { registry: this.registry, repository: this.repository, tag: this.tag, digest: this.digest };
  }

  toString(): string {
    return formatImageReference(this.parts());
  }

  toJSON(): string {
    return this.toString();
  }
}

export function formatImageReference(parts: ImageReferenceParts): string {
  let text = parts.registry === undefined ? parts.repository : `${parts.registry}/${parts.repository}`;
  if (parts.tag !== undefined) text += `:${parts.tag}`;
  if (parts.digest !== undefined) text += `@${parts.digest}`;
  return text;
}

function invalid(reference: string, reason: string): ImageReferenceError {
  return new ImageReferenceError(
    `Invalid image reference '${reference}': ${reason}. Use the form [registry[:port]/]repository[:tag][@sha256:<digest>], e.g. 'ghcr.io/acme/app:1.0'.`,
  );
}
