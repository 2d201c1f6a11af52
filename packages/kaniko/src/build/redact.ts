/** Replaces secret values in text with `***`; `add` registers one more (e.g. a token obtained later). */
export interface Redactor {
  (text: string): string;
  add(secret: string | undefined): void;
}

const MIN_SECRET_LENGTH = 4;

/**
 * A redactor for the given secret values: those of the Secrets the config's
 * env and envFrom name, of secret-named variables and build args, of the
 * stack's secret config fields, and the kubeconfig's credentials. Nothing
 * else is hidden, so `BASE_IMAGE` or `S3_FORCE_PATH_STYLE` stay readable.
 * Each value is also matched as it reads inside a
 * JSON string (the API server quotes spec values in its messages). Values
 * shorter than 4 characters are left alone: hiding every `1` or `yes` would
 * garble messages without protecting anything.
 */
export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  let values: string[] = [];
  const redact = ((text: string) => {
    let result = text;
    for (const value of values) result = result.split(value).join("***");
    return result;
  }) as Redactor;
  redact.add = (secret) => {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    const escaped = JSON.stringify(secret).slice(1, -1);
    // longest first, so a secret containing another is replaced whole
    values = [...new Set([...values, secret, escaped])].sort((a, b) => b.length - a.length);
  };
  for (const secret of secrets) redact.add(secret);
  return redact;
}

/** Redacts secrets from an error's message and its causes' messages (API errors may echo spec values). */
export function redactError(error: unknown, redact: Redactor): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const redacted = redact(current.message);
    if (redacted !== current.message) {
      try {
        current.message = redacted;
      } catch {
        // a frozen error keeps its message
      }
    }
    const body = (current as { body?: unknown }).body;
    if (typeof body === "string") {
      try {
        (current as { body?: unknown }).body = redact(body);
      } catch {
        // read-only
      }
    }
    current = current.cause;
  }
  return error;
}
