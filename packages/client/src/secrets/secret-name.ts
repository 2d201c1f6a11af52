import { StoreError } from "../store/store-error.js";

/** A secret's name: no `.`, which separates the name from the key in `{{name.key}}`. */
const SECRET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** A key inside a secret: a config field's name, an environment variable's. */
const SECRET_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const MAX_SECRET_NAME_LENGTH = 64;
const MAX_SECRET_KEY_LENGTH = 64;

/** Refuses a name a user cannot give a secret, saying why. */
export function assertSecretName(name: unknown): asserts name is string {
  const problem = nameProblem(name, MAX_SECRET_NAME_LENGTH, SECRET_NAME_PATTERN);
  if (problem !== undefined) {
    throw new StoreError(
      `The secret name ${shown(name)} ${problem}: use 1-${MAX_SECRET_NAME_LENGTH} letters, digits, '_' and '-', starting with a letter or digit (no '.', which separates name and key in {{name.key}}).`,
    );
  }
}

/** Refuses values that are not an object of string keys to string values; names the key, never a value. */
export function assertSecretValues(name: string, values: unknown): asserts values is Record<string, string> {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new StoreError(`The values of the secret '${name}' must be an object of key=value pairs.`);
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const problem = nameProblem(key, MAX_SECRET_KEY_LENGTH, SECRET_KEY_PATTERN);
    if (problem !== undefined) {
      problems.push(
        `the key ${shown(key)} ${problem}: use 1-${MAX_SECRET_KEY_LENGTH} letters, digits, '_' and '-', starting with a letter, digit or '_'`,
      );
    } else if (typeof value !== "string") {
      problems.push(`the value of '${key}' is ${value === null ? "null" : `a ${typeof value}`}, not a string`);
    }
  }
  if (problems.length > 0) {
    throw new StoreError(`The secret '${name}' cannot be saved:\n  - ${problems.join("\n  - ")}`);
  }
}

function nameProblem(name: unknown, maxLength: number, pattern: RegExp): string | undefined {
  if (typeof name !== "string" || name === "") return "is empty";
  if (name.length > maxLength) return `is ${name.length} characters long`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
  if (/[\u0000-\u001f\u007f]/.test(name)) return "has control characters";
  if (/\s/.test(name)) return "has spaces";
  if (!pattern.test(name)) return "has characters it cannot have";
  return undefined;
}

/** A name as a message can show it: quoted, control characters escaped, cut when long. */
function shown(name: unknown): string {
  if (typeof name !== "string") return String(name);
  const text = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  return JSON.stringify(text).replace(/^"|"$/g, "'");
}
