import { expect } from "vitest";

/** `error`, its `cause`, the cause's cause... and the `errors` of AggregateErrors on the way; each once. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const pending = [error];
  while (pending.length > 0) {
    const next = pending.shift();
    if (next === undefined || next === null || chain.includes(next)) continue;
    chain.push(next);
    if (typeof next !== "object") continue;
    const { cause, errors } = next as { cause?: unknown; errors?: unknown };
    pending.push(cause);
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return chain;
}

/** Fails when a value of `secrets` appears in the message or `String()` of `error` or of anything in its cause chain. */
export function expectNoSecrets(error: unknown, secrets: readonly string[]): void {
  for (const secret of secrets) {
    if (secret.length < 4) {
      throw new Error(
        `The fixture's \`secrets\` holds a value of ${secret.length} characters: give the real secrets (4 characters or more), which are never found by accident.`,
      );
    }
  }
  for (const [depth, link] of causeChain(error).entries()) {
    const texts = [String(link)];
    if (link instanceof Error) texts.push(link.message);
    for (const text of texts) {
      for (const [index, secret] of secrets.entries()) {
        // Never print the secret itself: the assertion message names it by its index.
        const where = link instanceof Error ? link.name : typeof link;
        expect(
          text.includes(secret),
          `secrets[${index}] appears in the error's cause chain at ${depth} (${where})`,
        ).toBe(false);
      }
    }
  }
}
