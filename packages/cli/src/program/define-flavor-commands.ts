import type { Command } from "commander";

const loadActions = () => import("../actions/flavor-actions.js");

export function defineIntegrationCommands(program: Command): void {
  const integration = program.command("integration").description("The installed integrations and their flavors.");
  integration
    .command("list")
    .description("List the integrations found in node_modules (a package that fails to load is reported).")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }, command: Command) =>
      (await loadActions()).listIntegrations(command, options),
    );
  integration
    .command("describe")
    .description("Show an integration: its flavors and the npm packages it needs.")
    .argument("<name>")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }, command: Command) =>
      (await loadActions()).describeIntegration(command, name, options),
    );
}

export function defineFlavorCommands(program: Command): void {
  const flavor = program.command("flavor").description("The flavors of stack components, and their config schemas.");
  flavor
    .command("list")
    .description("List the flavors of the installed integrations.")
    .option("--type <type>", "only this component type, e.g. image_builder or image-builder")
    .option("--json", "print JSON")
    .action(async (options: { type?: string; json?: boolean }, command: Command) =>
      (await loadActions()).listFlavors(command, options),
    );
  flavor
    .command("describe")
    .description("Show a flavor and the JSON Schema of its config.")
    .argument("<type>", "component type, e.g. image_builder or image-builder")
    .argument("<name>", "flavor name, e.g. kaniko")
    .option("--json", "print JSON")
    .action(async (type: string, name: string, options: { json?: boolean }, command: Command) =>
      (await loadActions()).describeFlavor(command, type, name, options),
    );
}
