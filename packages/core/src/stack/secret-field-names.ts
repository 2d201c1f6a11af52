/** The config fields a flavor marks secret: top-level properties whose JSON Schema says `writeOnly: true`. */
export function secretFieldNames(jsonSchema: Record<string, unknown>): string[] {
  const properties = jsonSchema.properties;
  if (typeof properties !== "object" || properties === null) return [];
  return Object.entries(properties)
    .filter(
      ([, schema]) =>
        typeof schema === "object" && schema !== null && (schema as Record<string, unknown>).writeOnly === true,
    )
    .map(([name]) => name);
}
