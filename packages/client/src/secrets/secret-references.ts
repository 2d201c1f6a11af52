/**
 * `{{name.key}}` in a config's string values, as in ZenML. The name takes everything up to the last `.`
 * (a component's owned secret, `<type>-<component name>`, may have dots; a key has none).
 */
const REFERENCE = /\{\{\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\.([A-Za-z0-9_][A-Za-z0-9_-]*)\s*\}\}/g;
const WHOLE_REFERENCE = new RegExp(`^${REFERENCE.source}$`);

/** One `{{name.key}}` found in a config. */
export interface SecretReference {
  /** The secret's name. */
  secret: string;
  key: string;
  /** Where in the config: `clientKwargs.endpointUrl`, `executorArgs[2]`; empty for the config itself. */
  path: string;
  /** As written, e.g. `{{aws.key}}`. */
  text: string;
}

/** `{{name.key}}`. */
export function secretReference(secret: string, key: string): string {
  return `{{${secret}.${key}}}`;
}

/** The reference a string value is made of alone (`"{{aws.key}}"`), else `undefined`. */
export function parseSecretReference(value: unknown): { secret: string; key: string } | undefined {
  if (typeof value !== "string") return undefined;
  const match = WHOLE_REFERENCE.exec(value);
  return match ? { secret: match[1] as string, key: match[2] as string } : undefined;
}

/** Every `{{name.key}}` in the config's string values, at any depth, in the order they appear. */
export function findSecretReferences(config: unknown): SecretReference[] {
  const references: SecretReference[] = [];
  visitStrings(config, "", (value, path) => {
    for (const match of value.matchAll(REFERENCE)) {
      references.push({ secret: match[1] as string, key: match[2] as string, path, text: match[0] });
    }
    return value;
  });
  return references;
}

/** The config with each `{{name.key}}` in its string values replaced by `valueFor(reference)`. */
export function replaceSecretReferences(
  config: unknown,
  valueFor: (reference: { secret: string; key: string }) => string,
): unknown {
  return visitStrings(config, "", (value) =>
    value.replace(REFERENCE, (_text, secret: string, key: string) => valueFor({ secret, key })),
  );
}

/** A copy of `value` with every string (not object keys) passed through `visit`. */
function visitStrings(value: unknown, path: string, visit: (value: string, path: string) => string): unknown {
  if (typeof value === "string") return visit(value, path);
  if (Array.isArray(value)) return value.map((item, index) => visitStrings(item, `${path}[${index}]`, visit));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, visitStrings(item, path ? `${path}.${key}` : key, visit)]),
    );
  }
  return value;
}
