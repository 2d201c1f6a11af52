import { describe, expect, it } from "vitest";
import { maskSecretFields, ownedSecretName, SECRET_MASK, secretFieldNames } from "./secret-fields.js";

/** The shape zod's toJSONSchema gives the s3 flavor's config (credentials are `.meta({ writeOnly: true })`). */
const S3_LIKE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    path: { type: "string" },
    key: { writeOnly: true, type: "string", minLength: 1 },
    secret: { writeOnly: true, type: "string", minLength: 1 },
    token: { writeOnly: true, type: "string", minLength: 1 },
    readOnlyish: { writeOnly: false, type: "string" },
    clientKwargs: { type: "object", properties: { nested: { writeOnly: true, type: "string" } } },
  },
  required: ["path"],
  additionalProperties: false,
};

describe("secretFieldNames", () => {
  it("lists the top-level properties marked writeOnly: true", () => {
    expect(secretFieldNames(S3_LIKE_SCHEMA)).toEqual(["key", "secret", "token"]);
  });

  it("finds none in a schema without properties", () => {
    expect(secretFieldNames({})).toEqual([]);
    expect(secretFieldNames({ type: "object", properties: null })).toEqual([]);
  });
});

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
