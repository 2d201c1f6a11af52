/** Name parts that mark a variable or build arg as holding a secret. */
const SECRET_NAME_PARTS: ReadonlySet<string> = new Set([
  "TOKEN",
  "TOKENS",
  "SECRET",
  "SECRETS",
  "PASSWORD",
  "PASSWORDS",
  "PASSWD",
  "PASSPHRASE",
  "KEY",
  "KEYS",
  "APIKEY",
  "CREDENTIAL",
  "CREDENTIALS",
]);

/** A public key is not a secret: `PUBLIC_KEY`, `SSH_PUBLIC_KEY`, `PUBLIC_KEY_URL` stay readable. */
const PUBLIC = "PUBLIC";

/**
 * Whether a variable's or build arg's name says its value is a secret: one of its parts, split at `_`, `-`, `.`
 * and camelCase humps and compared in upper case, is TOKEN, SECRET, PASSWORD, KEY or CREDENTIALS (or a plural,
 * PASSWD, PASSPHRASE, APIKEY, CREDENTIAL). Whole parts only, so `KEYBOARD_LAYOUT`, `MONKEY` and `TOKENIZER`
 * stay readable, while `AWS_ACCESS_KEY_ID`, `npmToken` and `DB_PASSWORD_FILE` are hidden; `PUBLIC` right
 * before `KEY` makes that part harmless.
 */
export function isSecretName(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  return parts.some(
    (part, index) => SECRET_NAME_PARTS.has(part) && !(part.startsWith("KEY") && parts[index - 1] === PUBLIC),
  );
}
