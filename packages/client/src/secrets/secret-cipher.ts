import type { SecretsKey } from "./secrets-key.js";

const FORMAT_VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * Encrypts `plaintext` with AES-256-GCM as `v1.<iv>.<tag>.<ciphertext>` (base64url), bound to `context`
 * (the secret's name, as additional authenticated data): a blob moved to another secret does not decrypt.
 */
export async function encryptText(key: SecretsKey, context: string, plaintext: string): Promise<string> {
  // Loaded on first use: listing components and stacks needs no cryptography.
  const { createCipheriv, randomBytes } = await import("node:crypto");
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv(ALGORITHM, key.bytes(), iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [FORMAT_VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export type DecryptResult =
  | { ok: true; plaintext: string }
  /** `malformed`: not a blob this client writes; `newer`: a format version this client does not know; `rejected`: the key or the context does not match, or the blob was altered. */
  | { ok: false; reason: "malformed" | "newer" | "rejected" };

/** Decrypts what `encryptText` wrote with the same key and context; never returns garbage. */
export async function decryptText(key: SecretsKey, context: string, blob: string): Promise<DecryptResult> {
  const parts = blob.split(".");
  if (parts.length !== 4) return { ok: false, reason: "malformed" };
  const [version, ivText, tagText, ciphertextText] = parts as [string, string, string, string];
  if (version !== FORMAT_VERSION) return { ok: false, reason: /^v\d+$/.test(version) ? "newer" : "malformed" };
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_LENGTH || tag.length !== TAG_LENGTH) return { ok: false, reason: "malformed" };
  const { createDecipheriv } = await import("node:crypto");
  try {
    const decipher = createDecipheriv(ALGORITHM, key.bytes(), iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertextText, "base64url")), decipher.final()]);
    return { ok: true, plaintext: plaintext.toString("utf8") };
  } catch {
    return { ok: false, reason: "rejected" };
  }
}
