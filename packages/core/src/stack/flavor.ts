import { z } from "zod";
import { ConfigError, errorMessage } from "../errors.js";
import { secretFieldNames } from "./secret-field-names.js";
import type { StackComponent, StackComponentInit } from "./stack-component.js";
import type { StackComponentType } from "./stack-component-type.js";

/** Builds a component from its identity and parsed config. */
export type ComponentFactory<TConfig, TComponent extends StackComponent<TConfig>> = (
  init: StackComponentInit<TConfig>,
) => TComponent;

export interface FlavorDefinition<
  TType extends StackComponentType,
  TSchema extends z.ZodType,
  TComponent extends StackComponent<z.output<TSchema>>,
> {
  name: string;
  type: TType;
  /** Defaults to the name with `_`/`-` as spaces, in title case. */
  displayName?: string;
  docsUrl?: string;
  sdkDocsUrl?: string;
  logoUrl?: string;
  /** The integration that ships the flavor; `built-in` for core's own. */
  integration?: string;
  /** The single source of the config's type, defaults, validation and JSON Schema. */
  configSchema: TSchema;
  /**
   * Loads the implementation lazily, so listing flavors never loads heavy SDKs:
   * `implementation: async () => { const { S3ArtifactStore } = await import("./s3-artifact-store.js"); return (init) => new S3ArtifactStore(init); }`.
   * Components are made only through the flavor's `createComponent`, which calls it.
   */
  implementation: () => Promise<ComponentFactory<z.output<TSchema>, TComponent>>;
}

export interface CreateComponentInput {
  name: string;
  /** Generated when absent. */
  id?: string;
  /** Raw config: validated and defaulted by the flavor's schema. */
  config?: unknown;
}

export interface Flavor<
  TType extends StackComponentType = StackComponentType,
  TSchema extends z.ZodType = z.ZodType,
  TComponent extends StackComponent<z.output<TSchema>> = StackComponent<z.output<TSchema>>,
> {
  readonly name: string;
  readonly type: TType;
  readonly displayName: string;
  readonly docsUrl: string | undefined;
  readonly sdkDocsUrl: string | undefined;
  readonly logoUrl: string | undefined;
  readonly integration: string;
  readonly configSchema: TSchema;
  implementation(): Promise<ComponentFactory<z.output<TSchema>, TComponent>>;
  /** Validates and defaults a raw config; a `ConfigError` lists every invalid field. */
  parseConfig(config: unknown): z.output<TSchema>;
  /** The JSON Schema of the config as a user writes it. */
  jsonSchema(): Record<string, unknown>;
  /** Validates the config, loads the implementation and builds the component. */
  createComponent(input: CreateComponentInput): Promise<TComponent>;
}

/** A flavor of any type and config, as registries hold them. */
// biome-ignore lint/suspicious/noExplicitAny: registries hold flavors of every config type.
export type AnyFlavor = Flavor<StackComponentType, z.ZodType, any>;

export function defineFlavor<
  const TType extends StackComponentType,
  TSchema extends z.ZodType,
  TComponent extends StackComponent<z.output<TSchema>>,
>(definition: FlavorDefinition<TType, TSchema, TComponent>): Flavor<TType, TSchema, TComponent> {
  const { name, type, configSchema } = definition;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    throw new ConfigError(
      `Flavor name '${name}' is not valid: use lowercase letters, digits, '_' and '-', starting with a letter or digit.`,
    );
  }
  const integration = definition.integration ?? "built-in";
  const label = `${type} flavor '${name}'`;

  const parseConfig = (config: unknown): z.output<TSchema> => {
    const result = configSchema.safeParse(config ?? {});
    if (result.success) return result.data;
    throw new ConfigError(
      `Invalid configuration for ${label}:\n${describeIssues(result.error.issues)}\nFix these fields (see \`flavorstack flavor describe ${type} ${name}\` for the schema).`,
      { cause: result.error },
    );
  };

  const jsonSchema = () =>
    z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;

  return Object.freeze({
    name,
    type,
    displayName: definition.displayName ?? titleCase(name),
    docsUrl: definition.docsUrl,
    sdkDocsUrl: definition.sdkDocsUrl,
    logoUrl: definition.logoUrl,
    integration,
    configSchema,
    implementation: definition.implementation,
    parseConfig,
    jsonSchema,
    async createComponent(input: CreateComponentInput): Promise<TComponent> {
      const config = parseConfig(input.config);
      let factory: ComponentFactory<z.output<TSchema>, TComponent>;
      try {
        factory = await definition.implementation();
      } catch (error) {
        throw new ConfigError(
          `Could not load the implementation of ${label} from integration '${integration}': ${errorMessage(error)}. Install the integration's requirements (\`flavorstack integration describe ${integration}\`).`,
          { cause: error },
        );
      }
      // The global Web Crypto, loaded on first use: importing node:crypto would cost ~3.5 MiB at start-up.
      const secretFields = secretFieldNames(jsonSchema());
      return factory({ id: input.id ?? crypto.randomUUID(), name: input.name, flavor: name, config, secretFields });
    },
  });
}

/** One line per issue: `  - field.path: message`. Values are never echoed, so secrets stay out. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .flatMap((issue) => {
      const where = issue.path.map(String);
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map(
          (key) => `  - ${[...where, key].join(".")}: unknown field; check its spelling or remove it`,
        );
      }
      return [`  - ${where.length > 0 ? where.join(".") : "(config)"}: ${issue.message}`];
    })
    .join("\n");
}

function titleCase(name: string): string {
  return name
    .split(/[_-]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(" ");
}
