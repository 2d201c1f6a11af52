import { z } from "zod";
import { parseRegistryUri } from "./registry-location.js";

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

/** What a registry flavor demands of the URI's host and namespace, beyond the common syntax. */
export interface RegistryUriRule {
  test(domain: string, namespace: string): boolean;
  /** Shown when the test fails: how a URI of this registry looks. */
  message: string;
}

/** The common config schema, with the flavor's URI rule checked on `uri`. */
export function containerRegistryConfigSchemaWith(rule: RegistryUriRule): z.ZodType<ContainerRegistryConfig> {
  return containerRegistryConfigSchema.superRefine((config, context) => {
    const location = parseRegistryUri(config.uri);
    if (location && !rule.test(location.domain, location.namespace)) {
      context.addIssue({ code: "custom", path: ["uri"], message: rule.message });
    }
  });
}
