import { InvalidArgumentError } from "commander";

/** Splits `KEY=VALUE`; the error names neither, since the text may be a secret value. */
export function splitPair(pair: string): [string, string] {
  const separator = pair.indexOf("=");
  if (separator <= 0) throw new InvalidArgumentError("Expected KEY=VALUE (a key, '=', then the value).");
  return [pair.slice(0, separator), pair.slice(separator + 1)];
}

/** A repeatable `--build-arg K=V` / `--label K=V` option's parser: each pair into one record. */
export function collectPair(pair: string, previous: Record<string, string> = {}): Record<string, string> {
  const [key, value] = splitPair(pair);
  return { ...previous, [key]: value };
}
