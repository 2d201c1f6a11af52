import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptText, encryptText } from "./secret-cipher.js";
import { SecretsKey } from "./secrets-key.js";

const key = new SecretsKey(randomBytes(32), "test");
const otherKey = new SecretsKey(randomBytes(32), "test");
const PLAINTEXT = '{"password":"hunter2 ünïcode"}';

describe("encryptText / decryptText", () => {
  it("round-trips as v1.<iv>.<tag>.<ciphertext> in base64url, with a fresh IV each time", async () => {
    const blob = await encryptText(key, "aws", PLAINTEXT);
    expect(blob).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(blob).not.toContain("hunter2");
    expect(await decryptText(key, "aws", blob)).toEqual({ ok: true, plaintext: PLAINTEXT });
    expect(await encryptText(key, "aws", PLAINTEXT)).not.toBe(blob);
  });

  it("rejects another key, another context (secret name) and an altered blob: never garbage", async () => {
    const blob = await encryptText(key, "aws", PLAINTEXT);
    expect(await decryptText(otherKey, "aws", blob)).toEqual({ ok: false, reason: "rejected" });
    expect(await decryptText(key, "gcp", blob)).toEqual({ ok: false, reason: "rejected" });
    const [version, iv, tag, ciphertext] = blob.split(".") as [string, string, string, string];
    const flipped = Buffer.from(ciphertext, "base64url");
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(await decryptText(key, "aws", [version, iv, tag, flipped.toString("base64url")].join("."))).toEqual({
      ok: false,
      reason: "rejected",
    });
  });

  it("tells a newer format and a malformed blob apart", async () => {
    const [, iv, tag, ciphertext] = (await encryptText(key, "aws", PLAINTEXT)).split(".");
    expect(await decryptText(key, "aws", `v2.${iv}.${tag}.${ciphertext}`)).toEqual({ ok: false, reason: "newer" });
    for (const blob of ["", "v1", `x1.${iv}.${tag}.${ciphertext}`, `v1.${iv}.${tag}`, `v1.AAAA.${tag}.${ciphertext}`]) {
      expect(await decryptText(key, "aws", blob)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});
