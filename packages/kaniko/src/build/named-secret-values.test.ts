import { describe, expect, it } from "vitest";
import { namedSecretValues } from "./named-secret-values.js";

describe("namedSecretValues", () => {
  it("keeps the values of secret-named env entries, build args and store variables, and only those", () => {
    expect(
      namedSecretValues({
        env: [
          { name: "BASE_IMAGE", value: "registry.example.com/base:1.2" },
          { name: "GITHUB_TOKEN", value: "ghp-env-token" },
          { name: "DB_PASSWORD" },
          { name: "PUBLIC_KEY", value: "ssh-ed25519 AAAA" },
        ],
        buildArgs: { NPM_TOKEN: "npm-build-arg-token", VERSION: "1.2.3", KEYBOARD: "us" },
        environment: { S3_FORCE_PATH_STYLE: "true", AWS_REGION: "eu-west-1" },
      }),
    ).toEqual(["ghp-env-token", "npm-build-arg-token"]);
  });

  it("finds nothing in nothing", () => {
    expect(namedSecretValues({})).toEqual([]);
  });
});
