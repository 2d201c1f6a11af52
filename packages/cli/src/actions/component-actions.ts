import type { ComponentRecord } from "@flavorstack/client";
import type { Command } from "commander";
import { printFields, printJson, printLine, printTable } from "../output/print.js";
import { type ComponentCommand, flavorOptionHelp } from "../program/component-commands.js";
import { addSchemaOptions, configFromOptions } from "./schema-options.js";
import { createSecondPassCommand } from "./second-pass-command.js";
import { withClient } from "./with-client.js";

/** `<type> register <name> --flavor F [config options]`: the flavor's options are added once it is known. */
export async function registerComponent(
  first: Command,
  component: ComponentCommand,
  flavorName?: string,
): Promise<void> {
  const second = createSecondPassCommand(first, "<name> --flavor <flavor> [config options]")
    .argument("<name>", `the ${component.noun}'s name`)
    .requiredOption("--flavor <flavor>", flavorOptionHelp(component.type));
  if (flavorName === undefined) {
    // Without a flavor there is nothing to register: this prints the help, or says --flavor is missing.
    second.addHelpText("after", `\nAdd --flavor <flavor> --help to see the flavor's config options.`);
    await second.parseAsync(first.args, { from: "user" });
    return;
  }
  await withClient(first, async (client) => {
    const flavor = await client.flavor(component.type, flavorName);
    const options = addSchemaOptions(second, flavor.jsonSchema(), { mandatory: true });
    second.action(async (name: string) => {
      const record = await client.registerComponent({
        type: component.type,
        flavor: flavor.name,
        name,
        config: configFromOptions(second, options),
      });
      printLine(`Registered ${component.noun} '${record.name}' (flavor ${record.flavor}).`);
    });
    await second.parseAsync([...first.args, "--flavor", flavorName], { from: "user" });
  });
}

/** `<type> update <name> [config options] [--new-name N]`: the options of the component's flavor. */
export async function updateComponent(first: Command, component: ComponentCommand): Promise<void> {
  const second = createSecondPassCommand(first, "<name> [config options]")
    .argument("<name>", `the ${component.noun}'s name`)
    .option("--new-name <name>", "rename it");
  // The name comes first (the usage says so); without it, or with --help alone, commander says what is missing.
  const [name] = first.args;
  if (name === undefined || name.startsWith("-")) {
    await second.parseAsync(first.args, { from: "user" });
    return;
  }
  await withClient(first, async (client) => {
    const stored = await client.getComponent(component.type, name);
    const flavor = await client.flavor(component.type, stored.flavor);
    const options = addSchemaOptions(second, flavor.jsonSchema(), { mandatory: false });
    second.action(async (_name: string, values: { newName?: string }) => {
      const config = configFromOptions(second, options);
      if (Object.keys(config).length === 0 && values.newName === undefined) {
        second.error(`error: nothing to change: give at least one config option or --new-name.`, { exitCode: 2 });
      }
      const record = await client.updateComponent(component.type, name, {
        ...(Object.keys(config).length > 0 ? { config } : {}),
        ...(values.newName !== undefined ? { name: values.newName } : {}),
      });
      printLine(`Updated ${component.noun} '${record.name}'.`);
    });
    await second.parseAsync(first.args, { from: "user" });
  });
}

export async function listComponents(command: Command, component: ComponentCommand, options: { json?: boolean }) {
  const records = await withClient(command, (client) => client.listComponents(component.type));
  if (options.json) return printJson(records);
  printTable(
    ["NAME", "FLAVOR", "UPDATED"],
    records.map((record) => [record.name, record.flavor, record.updatedAt]),
  );
}

export async function describeComponent(
  command: Command,
  component: ComponentCommand,
  name: string,
  options: { json?: boolean },
) {
  const record = await withClient(command, (client) => client.getComponent(component.type, name));
  if (options.json) return printJson(record);
  printComponent(record);
}

export async function deleteComponent(command: Command, component: ComponentCommand, name: string) {
  await withClient(command, (client) => client.deleteComponent(component.type, name));
  printLine(`Deleted ${component.noun} '${name}'.`);
}

function printComponent(record: ComponentRecord): void {
  printFields([
    ["name", record.name],
    ["type", record.type],
    ["flavor", record.flavor],
    ["id", record.id],
    ["created", record.createdAt],
    ["updated", record.updatedAt],
    ["config", JSON.stringify(record.config, null, 2)],
  ]);
}
