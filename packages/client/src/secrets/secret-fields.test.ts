import { describe, expect, it } from "vitest";
import { maskSecretFields, ownedSecretName, SECRET_MASK } from "./secret-fields.js";

describe("maskSecretFields", () => {
  const owner = { type: "artifact_store", name: "s3.prod" };

  it("masks the values the owned secret holds and plain values of secret fields; user references stay readable", () => {
    const owned = ownedSecretName(owner);
    expect(owned).toBe("artifact_store-s3.prod");
    const config = {
      path: "s3://bucket",
      key: `{{${owned}.key}}`,
      secret: "{{aws.secret}}",
      token: "plain-value-never-shown",
      other: `{{${owned}.other}}`,
      nested: { deep: "{{aws.key}}" },
      absent: undefined,
    };
    expect(maskSecretFields(config, owner, ["key", "secret", "token", "absent"])).toEqual({
      path: "s3://bucket",
      key: SECRET_MASK,
      secret: "{{aws.secret}}",
      token: SECRET_MASK,
      other: SECRET_MASK,
      nested: { deep: "{{aws.key}}" },
      absent: undefined,
    });
  });

  it("needs no flavor to mask a stored config", () => {
    expect(
      maskSecretFields({ key: "{{image_builder-kb.key}}", b: "x" }, { type: "image_builder", name: "kb" }),
    ).toEqual({ key: SECRET_MASK, b: "x" });
  });
});
