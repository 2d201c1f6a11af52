import { unsupportedSchemeMessage, withConfigAliases } from "@flavorstack/core/plugin";
import { z } from "zod";
import { parseServiceAccountKey } from "./service-account-key.js";

/** The name of the store in messages (ZenML's scheme message names the implementation). */
export const GCS_STORE_NAME = "GcsArtifactStore";

/** The schemes the store accepts. */
export const GCS_SUPPORTED_SCHEMES: readonly string[] = Object.freeze(["gs://"]);

/** snake_case field names (as ZenML users write them) and the names we use. */
export const GCS_CONFIG_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  service_account_json: "serviceAccountJson",
  project_id: "projectId",
  api_endpoint: "apiEndpoint",
});

/** GCS's bucket names: 3-63 characters (up to 222 with dots), lowercase letters, digits, `-`, `_` and `.`. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/** The bucket of a `gs://bucket[/prefix]` path (no check). */
export function bucketOf(path: string): string {
  return path.slice("gs://".length).split("/")[0] ?? "";
}

const schema = z.strictObject({
  path: z
    .string({ error: "the store's root is required: gs://bucket or gs://bucket/prefix" })
    .trim()
    .describe("Root of the store: gs://bucket or gs://bucket/prefix.")
    .superRefine((path, context) => {
      const schemeMessage = unsupportedSchemeMessage(path, GCS_SUPPORTED_SCHEMES, GCS_STORE_NAME);
      if (schemeMessage !== undefined) {
        context.addIssue({ code: "custom", message: `${schemeMessage} Use gs://bucket or gs://bucket/prefix.` });
        return;
      }
      if (!BUCKET_NAME.test(bucketOf(path))) {
        context.addIssue({
          code: "custom",
          message:
            "the bucket name after gs:// must be 3-63 characters of lowercase letters, digits, '-', '_' and '.' (e.g. gs://my-bucket/artifacts)",
        });
      }
    }),
  serviceAccountJson: z
    .string()
    .trim()
    .min(
      1,
      "give the service account's JSON key or the path of its file, or leave the field out to use application default credentials",
    )
    .superRefine((value, context) => {
      if (!value.startsWith("{")) return;
      const parsed = parseServiceAccountKey(value);
      if ("problem" in parsed) {
        context.addIssue({
          code: "custom",
          message: `the inline service account key ${parsed.problem}: paste the whole JSON key file, or give its path`,
        });
      }
    })
    .optional()
    .describe(
      "Secret: a service account's JSON key, inline (starting with '{') or as the path of the key file. Never logged or printed. Without it: application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application-default login, Workload Identity, the metadata server).",
    ),
  projectId: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      "The Google Cloud project. Default: the key's project_id, or the one application default credentials give.",
    ),
  apiEndpoint: z
    .url({
      protocol: /^https?$/,
      error: "the API endpoint must be an http:// or https:// URL, e.g. http://127.0.0.1:9199 for an emulator",
    })
    .transform((url) => url.replace(/\/+$/, ""))
    .optional()
    .describe(
      "The Cloud Storage API endpoint, for an emulator or a private endpoint. Requests to it carry credentials only when serviceAccountJson is set (emulators take none). Containers (kaniko) get it as STORAGE_EMULATOR_HOST.",
    ),
});

/** The GCS artifact store's config: camelCase fields, snake_case accepted. */
export const gcsArtifactStoreConfigSchema = withConfigAliases(GCS_CONFIG_ALIASES, schema);

export type GcsArtifactStoreConfig = z.output<typeof gcsArtifactStoreConfigSchema>;
export type GcsArtifactStoreConfigInput = z.input<typeof schema>;
