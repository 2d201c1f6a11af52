import type { Command } from "commander";

const loadActions = () => import("../actions/secret-actions.js");

const VALUES_HELP =
  "KEY=VALUE pairs; with --values-file, a file (or - for stdin) holding a JSON object of strings or KEY=VALUE lines";

export function defineSecretCommands(program: Command): void {
  const secret = program
    .command("secret")
    .description("Create, list, describe, update and delete secrets (encrypted at rest; values are never printed).");
  secret
    .command("create")
    .description("Create a secret. Reference its values in a config as {{name.key}}.")
    .argument("<name>")
    .argument("[values...]", VALUES_HELP)
    .option("--values-file <file>", "read values from a file, or - for stdin (keeps them out of the shell history)")
    .action(async (name: string, values: string[], options: { valuesFile?: string }, command: Command) =>
      (await loadActions()).createSecret(command, name, values, options),
    );
  secret
    .command("list")
    .description("List the secrets and their keys.")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }, command: Command) =>
      (await loadActions()).listSecrets(command, options),
    );
  secret
    .command("describe")
    .description("Show a secret's keys (never its values).")
    .argument("<name>")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }, command: Command) =>
      (await loadActions()).describeSecret(command, name, options),
    );
  secret
    .command("update")
    .description("Set values of a secret (merged over the stored ones, or replacing them with --replace).")
    .argument("<name>")
    .argument("[values...]", VALUES_HELP)
    .option("--values-file <file>", "read values from a file, or - for stdin")
    .option("--replace", "replace all values instead of merging")
    .action(
      async (name: string, values: string[], options: { valuesFile?: string; replace?: boolean }, command: Command) =>
        (await loadActions()).updateSecret(command, name, values, options),
    );
  secret
    .command("delete")
    .description("Delete a secret.")
    .argument("<name>")
    .action(async (name: string, _options: unknown, command: Command) =>
      (await loadActions()).deleteSecret(command, name),
    );
}
