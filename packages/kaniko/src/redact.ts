/** Replaces secret values in text with `***`. */
export type Redactor = (text: string) => string;

const MIN_SECRET_LENGTH = 4;

/**
 * A redactor for the given secret values (env values of the config, the
 * kubeconfig's token or password). Values shorter than 4 characters are left
 * alone: hiding every `1` or `yes` would garble messages without protecting
 * anything.
 */
export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  const values = [
    ...new Set([...secrets].filter((value): value is string => !!value && value.length >= MIN_SECRET_LENGTH)),
  ]
    // longest first, so a secret containing another is replaced whole
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const value of values) result = result.split(value).join("***");
    return result;
  };
}
