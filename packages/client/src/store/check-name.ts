import { StoreError } from "./store-error.js";

/** What a user names in the store: components, stacks and secrets. */
export type NamedKind = "component" | "stack" | "secret";

export const MAX_NAME_LENGTH = 64;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SECRET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Refuses a name that is empty, longer than {@link MAX_NAME_LENGTH}, or has characters other than letters, digits,
 * `_`, `.` and `-` (secrets: no `.`, which separates `{{name.key}}`). The name is quoted as JSON, so control
 * characters show as escapes.
 */
export function checkName(kind: NamedKind, name: unknown): asserts name is string {
  const pattern = kind === "secret" ? SECRET_NAME_PATTERN : NAME_PATTERN;
  if (typeof name === "string" && name.length <= MAX_NAME_LENGTH && pattern.test(name)) return;
  const shown =
    typeof name === "string" ? JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name) : String(name);
  const reason =
    typeof name !== "string" || name === ""
      ? "it is empty"
      : name.length > MAX_NAME_LENGTH
        ? `it is ${name.length} characters long`
        : "it has characters that are not allowed";
  throw new StoreError(
    `${shown} is not a valid ${kind} name: ${reason}. Use 1-${MAX_NAME_LENGTH} letters, digits, '_'${kind === "secret" ? "" : ", '.'"} and '-', starting with a letter or digit.`,
  );
}
