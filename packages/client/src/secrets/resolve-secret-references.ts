import { StoreError } from "../store/store-error.js";
import { findSecretReferences, replaceSecretReferences } from "./secret-references.js";
import type { SecretStore, SecretValues } from "./secret-store.js";

/**
 * The config with every `{{name.key}}` in its string values (at any depth) replaced by the secret's value,
 * as a component is made from it. Every reference that cannot be resolved is named in one `StoreError`.
 */
export async function resolveSecretReferences<T>(config: T, secrets: SecretStore): Promise<T> {
  const references = findSecretReferences(config);
  if (references.length === 0) return config;
  const found = new Map<string, SecretValues | undefined>();
  for (const { secret } of references) {
    if (!found.has(secret)) found.set(secret, await secrets.find(secret));
  }
  const problems = new Set<string>();
  for (const { secret, key, path, text } of references) {
    const values = found.get(secret);
    const where = path ? `${text} in ${path}` : text;
    if (values === undefined) {
      problems.add(`${where}: there is no secret '${secret}' (create it with flavorstack secret create ${secret})`);
    } else if (!Object.hasOwn(values, key)) {
      problems.add(
        `${where}: the secret '${secret}' has no key '${key}' (its keys: ${Object.keys(values).sort().join(", ")}; add it with flavorstack secret update ${secret})`,
      );
    }
  }
  if (problems.size > 0) {
    throw new StoreError(`The config refers to secrets that are not there:\n  - ${[...problems].join("\n  - ")}`);
  }
  return replaceSecretReferences(config, ({ secret, key }) => found.get(secret)?.[key] as string) as T;
}
