import { KanikoImageBuilderFlavor } from "@flavorstack/kaniko";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { addSchemaOptions, configFromOptions } from "./schema-options.js";

function parse(schema: Record<string, unknown>, args: string[], mandatory = true) {
  const errors: string[] = [];
  const command = new Command("register")
    .exitOverride()
    .configureOutput({ writeErr: (text) => errors.push(text), writeOut: () => {} });
  const options = addSchemaOptions(command, schema, { mandatory });
  try {
    command.parse(args, { from: "user" });
    return { config: configFromOptions(command, options), error: undefined };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { config: undefined, error: errors.join("") };
  }
}

describe("addSchemaOptions", () => {
  const kaniko = KanikoImageBuilderFlavor.jsonSchema();

  it("maps kaniko's schema: kebab-case flags, JSON arrays, integers, booleans; only given fields", () => {
    const { config } = parse(kaniko, [
      "--kubernetes-context",
      "prod",
      "--executor-args",
      '["--cache=true"]',
      "--pod-running-timeout",
      "60",
      "--store-context-in-artifact-store",
    ]);
    expect(config).toEqual({
      kubernetesContext: "prod",
      executorArgs: ["--cache=true"],
      podRunningTimeout: 60,
      storeContextInArtifactStore: true,
    });
    expect(parse(kaniko, ["--kubernetes-context", "p", "--no-store-context-in-artifact-store"]).config).toEqual({
      kubernetesContext: "p",
      storeContextInArtifactStore: false,
    });
  });

  it("makes required fields mandatory on register only", () => {
    expect(parse(kaniko, []).error).toMatch(/required option '--kubernetes-context <value>' not specified/);
    expect(parse(kaniko, [], false).config).toEqual({});
  });

  it("refuses malformed JSON and numbers with what is expected", () => {
    expect(parse(kaniko, ["--kubernetes-context", "p", "--env", "{name"]).error).toMatch(/Expected JSON/);
    expect(parse(kaniko, ["--kubernetes-context", "p", "--pod-running-timeout", "2.5"]).error).toMatch(
      /Expected an integer/,
    );
  });

  it("takes enums as choices", () => {
    const schema = { type: "object", properties: { engine: { type: "string", enum: ["docker", "podman"] } } };
    expect(parse(schema, ["--engine", "podman"]).config).toEqual({ engine: "podman" });
    expect(parse(schema, ["--engine", "dockr"]).error).toMatch(/Allowed choices are docker, podman/);
  });

  it("parses a secret JSON field after commander, so its value is never echoed", () => {
    const schema = { type: "object", properties: { keyJson: { type: "object", writeOnly: true } } };
    expect(parse(schema, ["--key-json", '{"private_key":"x"}']).config).toEqual({ keyJson: { private_key: "x" } });
    expect(parse(schema, ["--key-json", "{{gcp.key}}"]).config).toEqual({ keyJson: "{{gcp.key}}" });
    const { error } = parse(schema, ["--key-json", "private-key-text"]);
    expect(error).toMatch(/option '--key-json' is invalid: Expected JSON/);
    expect(error).not.toContain("private-key-text");
  });
});
