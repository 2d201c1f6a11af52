import { z } from "zod";
import { ConfigError } from "../errors.js";
import { ImageReference } from "../image-builders/image-reference.js";
import { StackComponent } from "../stack/stack-component.js";

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

export const containerRegistryUri = z
  .string({ error: "a registry URI is required, e.g. 'ghcr.io/acme' or '127.0.0.1:5000'" })
  .trim()
  .min(1, "a registry URI is required, e.g. 'ghcr.io/acme' or '127.0.0.1:5000'")
  .transform((uri) => uri.replace(/\/+$/, ""))
  .refine(
    (uri) => !/^[a-z]+:\/\//i.test(uri),
    "write the URI without a scheme, e.g. 'ghcr.io/acme' not 'https://ghcr.io/acme'",
  )
  .refine(
    (uri) => parseRegistryUri(uri) !== undefined,
    "not a valid registry URI: use host[:port][/namespace] with a lowercase namespace",
  );

export const containerRegistryConfigSchema = z.strictObject({
  uri: containerRegistryUri,
  /** Repository prefix for images built for this registry, appended to the URI. */
  defaultRepository: z.string().optional(),
});

export type ContainerRegistryConfig = z.output<typeof containerRegistryConfigSchema>;

/** A container registry: where built images are pushed and pulled from. */
export class ContainerRegistry<
  TConfig extends ContainerRegistryConfig = ContainerRegistryConfig,
> extends StackComponent<TConfig> {
  readonly type = "container_registry" as const;

  get uri(): string {
    return this.config.uri;
  }

  get location(): RegistryLocation {
    const location = parseRegistryUri(this.uri);
    if (!location) throw new ConfigError(`Container registry '${this.name}' has an invalid URI '${this.uri}'.`);
    return location;
  }

  override get isLocal(): boolean {
    return isLocalRegistryHost(this.location.domain);
  }

  /** True when the image would be pushed to this registry (same host, under its namespace). */
  contains(image: string | ImageReference): boolean {
    const reference = ImageReference.from(image);
    const { domain, namespace } = this.location;
    if (reference.domain !== domain) return false;
    return namespace === "" || reference.path.startsWith(`${namespace}/`);
  }

  /** Refuses images that would not land in this registry, saying what to use instead. */
  assertContains(image: string | ImageReference): ImageReference {
    const reference = ImageReference.from(image);
    if (!this.contains(reference)) {
      throw new ConfigError(
        `The image '${reference}' is not in container registry '${this.name}' (${this.uri}): name the image '${this.uri}/<repository>[:tag]'.`,
      );
    }
    return reference;
  }
}
