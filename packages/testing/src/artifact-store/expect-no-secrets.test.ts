import { describe, expect, it } from "vitest";
import { causeChain, expectNoSecrets } from "./expect-no-secrets.js";

describe("causeChain", () => {
  it("follows causes and the errors of AggregateErrors, each once", () => {
    const root = new Error("root");
    const inner = new AggregateError([root, "a string"], "inner", { cause: root });
    const outer = new Error("outer", { cause: inner });
    (root as { cause?: unknown }).cause = outer;
    expect(causeChain(outer)).toEqual([outer, inner, root, "a string"]);
    expect(causeChain(undefined)).toEqual([]);
  });
});

describe("expectNoSecrets", () => {
  it("finds a secret anywhere in the chain without printing it", () => {
    const error = new Error("refused", { cause: { toString: () => "sig=abcd1234" } });
    let failure: unknown;
    try {
      expectNoSecrets(error, ["abcd1234"]);
    } catch (caught) {
      failure = caught;
    }
    expect(String(failure)).toMatch(/secrets\[0\] appears in the error's cause chain at 1 \(object\)/);
    expect(String(failure)).not.toContain("abcd1234");
    expectNoSecrets(error, ["other-secret"]);
  });

  it("refuses secrets too short to look for", () => {
    expect(() => expectNoSecrets(new Error("x"), [""])).toThrow(/4 characters or more/);
  });
});
