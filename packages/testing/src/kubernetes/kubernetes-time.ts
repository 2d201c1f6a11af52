import { randomBytes, randomUUID } from "node:crypto";

/** RFC 3339 at second precision, as the API server writes `metav1.Time`. */
export function kubernetesTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A fresh object `uid`. */
export function newUid(): string {
  return randomUUID();
}

/** The alphabet of `generateName` suffixes: no vowels, no look-alike digits (as the API server's). */
const GENERATED_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** The 5-character suffix the API server appends to `generateName`. */
export function generatedNameSuffix(): string {
  const bytes = randomBytes(5);
  return Array.from(bytes, (byte) => GENERATED_NAME_ALPHABET[byte % GENERATED_NAME_ALPHABET.length]).join("");
}
