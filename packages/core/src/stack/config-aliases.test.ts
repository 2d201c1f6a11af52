import { describe, expect, it } from "vitest";
import { z } from "zod";
import { withConfigAliases } from "./config-aliases.js";

const schema = withConfigAliases(
  { kubernetes_context: "kubernetesContext" },
  z.strictObject({ kubernetesContext: z.string(), other: z.number().default(1) }),
);

describe("withConfigAliases", () => {
  it("takes a field under its alias or its name", () => {
    expect(schema.parse({ kubernetes_context: "a" })).toEqual({ kubernetesContext: "a", other: 1 });
    expect(schema.parse({ kubernetesContext: "a", other: 2 })).toEqual({ kubernetesContext: "a", other: 2 });
  });

  it("refuses a field given under both names, naming both", () => {
    const result = schema.safeParse({ kubernetes_context: "a", kubernetesContext: "b" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)).toEqual([
      "kubernetesContext: given twice, as 'kubernetesContext' and as 'kubernetes_context': keep one",
    ]);
  });

  it("leaves non-objects to the schema's own message", () => {
    expect(schema.safeParse("nope").error?.issues[0]?.code).toBe("invalid_type");
  });
});
