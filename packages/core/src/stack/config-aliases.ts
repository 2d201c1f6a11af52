import { z } from "zod";

/**
 * A config schema that also takes other names for its fields (ZenML's snake_case spellings, say): `aliases` maps an
 * alias to the field's name. Giving a field under both names is an error naming both, since which one should win is
 * a guess. Non-object input goes to `schema` as it is, for its own message.
 *
 * ```ts
 * const configSchema = withConfigAliases({ kubernetes_context: "kubernetesContext" }, z.strictObject({ ... }));
 * ```
 */
export function withConfigAliases<TSchema extends z.ZodType>(
  aliases: Readonly<Record<string, string>>,
  schema: TSchema,
): z.ZodPreprocess<TSchema, unknown> {
  return z.preprocess((input: unknown, context) => {
    if (input === null || typeof input !== "object" || Array.isArray(input)) return input;
    const source = input as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source)) {
      const target = aliases[key];
      if (target === undefined) {
        output[key] = value;
      } else if (Object.hasOwn(source, target)) {
        context.addIssue({
          code: "custom",
          path: [target],
          message: `given twice, as '${target}' and as '${key}': keep one`,
          input,
        });
      } else {
        output[target] = value;
      }
    }
    return output;
  }, schema);
}
