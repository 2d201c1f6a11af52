import { describe, expect, it } from "vitest";
import { secretFieldNames } from "./secret-field-names.js";

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
