import { type Command, InvalidArgumentError, Option } from "commander";

type JsonSchema = Record<string, unknown>;

type ValueKind = "string" | "number" | "integer" | "boolean" | "json" | "any";

/** One config field as a command-line option: `executorArgs` ↔ `--executor-args <json>`. */
export interface SchemaOption {
  property: string;
  flag: string;
  /** Where commander puts the value in `command.opts()`. */
  attribute: string;
  kind: ValueKind;
  secret: boolean;
}

export interface SchemaOptionsSettings {
  /** Make the schema's required fields mandatory options (register), or none (update). */
  mandatory: boolean;
}

/**
 * Adds an option per top-level property of a flavor's config JSON Schema: camelCase names as
 * --kebab-case flags, descriptions as help, enums as choices, numbers parsed, booleans as --x/--no-x,
 * arrays and objects as JSON. Secret fields (`writeOnly`) are parsed after commander, so that a
 * malformed value is never echoed in its message.
 */
export function addSchemaOptions(
  command: Command,
  schema: JsonSchema,
  settings: SchemaOptionsSettings,
): SchemaOption[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const added: SchemaOption[] = [];
  for (const [property, value] of Object.entries(properties)) {
    const field = isObject(value) ? value : {};
    const kind = valueKind(field);
    const secret = field.writeOnly === true;
    const flag = `--${kebabCase(property)}`;
    const mandatory = settings.mandatory && required.has(property);
    const help = describeField(field, { secret, mandatory });
    const option = new Option(kind === "boolean" ? flag : `${flag} <${placeholder(kind)}>`, help);
    if (mandatory) option.makeOptionMandatory();
    const choices = enumChoices(field);
    if (choices) option.choices(choices);
    else if (!secret && kind !== "string" && kind !== "boolean")
      option.argParser((raw: string) => parseValue(kind, raw));
    command.addOption(option);
    if (kind === "boolean") command.addOption(new Option(`--no-${kebabCase(property)}`, `set ${property} to false`));
    added.push({ property, flag, attribute: option.attributeName(), kind, secret });
  }
  return added;
}

/** The config the options give: only the fields given on the command line. */
export function configFromOptions(command: Command, options: readonly SchemaOption[]): Record<string, unknown> {
  const values = command.opts();
  const config: Record<string, unknown> = {};
  for (const option of options) {
    const value = values[option.attribute];
    if (value === undefined) continue;
    if (option.secret && typeof value === "string" && option.kind !== "string" && !isSecretReference(value)) {
      try {
        config[option.property] = parseValue(option.kind, value);
      } catch (error) {
        command.error(`error: option '${option.flag}' is invalid: ${(error as Error).message}`, { exitCode: 2 });
      }
    } else {
      config[option.property] = value;
    }
  }
  return config;
}

function parseValue(kind: ValueKind, raw: string): unknown {
  switch (kind) {
    case "number":
    case "integer": {
      const number = raw.trim() === "" ? Number.NaN : Number(raw);
      if (!Number.isFinite(number) || (kind === "integer" && !Number.isInteger(number))) {
        throw new InvalidArgumentError(`Expected ${kind === "integer" ? "an integer" : "a number"}.`);
      }
      return number;
    }
    case "json":
      try {
        return JSON.parse(raw);
      } catch (error) {
        // Only the position: V8's message may quote the text, which may be a secret.
        const where = /at position \d+/.exec((error as Error).message)?.[0];
        throw new InvalidArgumentError(
          `Expected JSON${where ? ` (invalid ${where})` : ""}; quote it for the shell, e.g. '["--cache=true"]' or '{"key":"value"}'.`,
        );
      }
    case "any":
      // Unions of several types: JSON when it parses, else the text itself.
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

function valueKind(field: JsonSchema): ValueKind {
  const types = (Array.isArray(field.type) ? field.type : [field.type]).filter((t) => t !== "null" && t !== undefined);
  if (types.length === 0 && enumChoices(field)) return "string";
  if (types.length !== 1) return "any";
  const [type] = types;
  if (type === "array" || type === "object") return "json";
  if (type === "string" || type === "number" || type === "integer" || type === "boolean") return type;
  return "any";
}

function enumChoices(field: JsonSchema): string[] | undefined {
  const values = Array.isArray(field.enum) ? field.enum : undefined;
  return values?.every((value) => typeof value === "string") ? values : undefined;
}

function placeholder(kind: ValueKind): string {
  if (kind === "json") return "json";
  if (kind === "any") return "value";
  return kind === "string" ? "value" : kind;
}

function describeField(field: JsonSchema, { secret, mandatory }: { secret: boolean; mandatory: boolean }): string {
  const notes: string[] = [];
  if (mandatory) notes.push("required");
  if (secret) notes.push("secret: stored encrypted, shown as ********; or a {{secret.key}} reference");
  if (field.default !== undefined) notes.push(`default: ${JSON.stringify(field.default)}`);
  const description = typeof field.description === "string" ? field.description : "";
  return [description, notes.length > 0 ? `(${notes.join("; ")})` : ""].filter(Boolean).join(" ");
}

function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/_/g, "-")
    .toLowerCase();
}

function isSecretReference(value: string): boolean {
  return /^\{\{[^{}]+\}\}$/.test(value.trim());
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
