import { Command } from "commander";
import { defineBuildCommand } from "./define-build-command.js";
import { defineComponentCommands } from "./define-component-commands.js";
import { defineFlavorCommands, defineIntegrationCommands } from "./define-flavor-commands.js";
import { defineSecretCommands } from "./define-secret-commands.js";
import { defineStackCommands } from "./define-stack-commands.js";
import { redactUnknownOptionValue } from "./redact-unknown-option-value.js";

/** Written after a usage error, so the user knows where to look. */
const HELP_HINT = "(run the command with --help for its usage)";

/**
 * The whole command tree. Only commander is loaded here: each action imports its module when it runs,
 * so `--help` and the list commands load neither zod nor the integrations.
 */
export function createProgram(version: string): Command {
  const program = new Command("flavorstack")
    .description("Register stack components and stacks, keep secrets, and build images.")
    .version(version, "-V, --version")
    .option(
      "--store <url>",
      "the store: sqlite:PATH, a file path, or postgres://… (default: $FLAVORSTACK_STORE_URL, else .flavorstack/store.db)",
    )
    .exitOverride()
    .showHelpAfterError(HELP_HINT)
    .showSuggestionAfterError()
    .configureOutput({ outputError: (message, write) => write(redactUnknownOptionValue(message)) });
  program.addHelpText(
    "after",
    "\nExit codes: 0 ok, 1 failure (a refusal of the store, an invalid config, a failed build), 2 usage error.",
  );
  defineIntegrationCommands(program);
  defineFlavorCommands(program);
  defineComponentCommands(program);
  defineStackCommands(program);
  defineSecretCommands(program);
  defineBuildCommand(program);
  return program;
}
