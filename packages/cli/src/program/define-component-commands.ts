import type { Command } from "commander";
import { COMPONENT_COMMANDS, flavorOptionHelp } from "./component-commands.js";

const loadActions = () => import("../actions/component-actions.js");

/**
 * `<type> register|list|describe|update|delete`. `register` and `update` take the flavor's config as
 * options, known only once the flavor is: these commands collect their arguments unparsed, and the action
 * parses them again with a command that has the flavor's options (`actions/component-actions.ts`).
 */
export function defineComponentCommands(program: Command): void {
  for (const component of COMPONENT_COMMANDS) {
    const { aNoun, plural, type } = component;
    const group = program
      .command(component.command)
      .description(`Register, list, describe, update and delete ${plural}.`);
    group
      .command("register")
      .usage("<name> --flavor <flavor> [config options]")
      .description(
        `Register ${aNoun}. Its config options come from the flavor's schema: add --flavor <flavor> --help to list them.`,
      )
      .argument("[name]")
      .option("--flavor <flavor>", flavorOptionHelp(type))
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(async (_name: unknown, options: { flavor?: string }, command: Command) =>
        (await loadActions()).registerComponent(command, component, options.flavor),
      );
    group
      .command("list")
      .description(`List the ${plural}.`)
      .option("--json", "print JSON")
      .action(async (options: { json?: boolean }, command: Command) =>
        (await loadActions()).listComponents(command, component, options),
      );
    group
      .command("describe")
      .description(`Show ${aNoun} and its config (secret fields as ********).`)
      .argument("<name>")
      .option("--json", "print JSON")
      .action(async (name: string, options: { json?: boolean }, command: Command) =>
        (await loadActions()).describeComponent(command, component, name, options),
      );
    group
      .command("update")
      .usage("<name> [config options]")
      .description(
        `Change ${aNoun}'s config: the options given are merged over the stored config. <name> --help lists its flavor's options.`,
      )
      .argument("[name]")
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(async (_name: unknown, _options: unknown, command: Command) =>
        (await loadActions()).updateComponent(command, component),
      );
    group
      .command("delete")
      .description(`Delete ${aNoun}; refused while a stack uses it.`)
      .argument("<name>")
      .action(async (name: string, _options: unknown, command: Command) =>
        (await loadActions()).deleteComponent(command, component, name),
      );
  }
}
