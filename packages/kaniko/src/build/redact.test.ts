import { describe, expect, it } from "vitest";
import { createRedactor } from "./redact.js";

describe("createRedactor", () => {
  it("replaces every occurrence of each secret, longest first", () => {
    const redact = createRedactor(["hunter2", "hunter2-long", undefined, "ab"]);
    expect(redact("token hunter2-long and hunter2 and hunter2")).toBe("token *** and *** and ***");
    expect(redact("ab stays")).toBe("ab stays");
  });

  it("also hides a secret quoted inside JSON, and secrets added later", () => {
    const redact = createRedactor(['pa"ss\\word']);
    expect(redact('{"message":"value pa\\"ss\\\\word is invalid"}')).toBe('{"message":"value *** is invalid"}');
    redact.add("exec-token-1234");
    expect(redact("Bearer exec-token-1234")).toBe("Bearer ***");
  });

  it("is the identity without secrets", () => {
    expect(createRedactor([])("text")).toBe("text");
  });
});
