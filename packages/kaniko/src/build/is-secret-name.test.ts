import { describe, expect, it } from "vitest";
import { isSecretName } from "./is-secret-name.js";

describe("isSecretName", () => {
  it.each([
    "TOKEN",
    "GITHUB_TOKEN",
    "NPM_TOKEN",
    "npmToken",
    "api-key",
    "APIKEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "SSH_KEY",
    "DB_PASSWORD",
    "DB_PASSWORD_FILE",
    "MYSQL_PASSWD",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "registry.credential",
    "SIGNING_KEYS",
    "gpg_passphrase",
  ])("%s looks secret", (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    "BASE_IMAGE",
    "S3_FORCE_PATH_STYLE",
    "S3_ENDPOINT",
    "AWS_REGION",
    "KEYBOARD_LAYOUT",
    "MONKEY",
    "TOKENIZER",
    "PUBLIC_KEY",
    "SSH_PUBLIC_KEY",
    "PUBLIC_KEY_URL",
    "publicKey",
    "PWD",
    "PASSTHROUGH",
    "SECRETARY",
  ])("%s stays readable", (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});
