import { ArtifactStoreError } from "@flavorstack/core/plugin";
import { parseServiceAccountKey, type ServiceAccountKey } from "./service-account-key.js";

/**
 * The service account key of `serviceAccountJson`: the inline JSON, or the JSON read from the file it names. Errors
 * name the field or the file, never the key.
 */
export async function loadServiceAccountKey(serviceAccountJson: string, root: string): Promise<ServiceAccountKey> {
  const inline = serviceAccountJson.startsWith("{");
  let text = serviceAccountJson;
  if (!inline) {
    const { readFile } = await import("node:fs/promises");
    try {
      text = await readFile(serviceAccountJson, "utf8");
    } catch (error) {
      throw new ArtifactStoreError(
        `Could not read the service account key file \`${serviceAccountJson}\` (serviceAccountJson) of artifact store \`${root}\`: check the credentials' path and that this process may read it.`,
        { cause: error },
      );
    }
  }
  const parsed = parseServiceAccountKey(text);
  if ("key" in parsed) return parsed.key;
  const where = inline
    ? "The inline service account key (serviceAccountJson)"
    : `The key file \`${serviceAccountJson}\``;
  throw new ArtifactStoreError(
    `${where} of artifact store \`${root}\` ${parsed.problem}: check the credentials (a service account's JSON key, as \`gcloud iam service-accounts keys create\` writes it).`,
  );
}
