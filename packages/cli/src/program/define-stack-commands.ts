import type { Command } from "commander";
import type { StackComponentOptions } from "../actions/stack-actions.js";

const loadActions = () => import("../actions/stack-actions.js");

export function defineStackCommands(program: Command): void {
  const stack = program.command("stack").description("Register, list, describe, activate, validate and delete stacks.");
  stack
    .command("register")
    .description("Register a stack of registered components.")
    .argument("<name>")
    .requiredOption("-a, --artifact-store <name>", "its artifact store")
    .option("-c, --container-registry <name>", "its container registry")
    .option("-i, --image-builder <name>", "its image builder")
    .option("--set", "make it the active stack")
    .action(async (name: string, options: StackComponentOptions & { set?: boolean }, command: Command) =>
      (await loadActions()).registerStack(command, name, options),
    );
  stack
    .command("update")
    .description("Change a stack's components.")
    .argument("<name>")
    .option("-a, --artifact-store <name>", "its artifact store")
    .option("-c, --container-registry <name>", "its container registry")
    .option("--no-container-registry", "remove its container registry")
    .option("-i, --image-builder <name>", "its image builder")
    .option("--no-image-builder", "remove its image builder")
    .action(async (name: string, options: StackComponentOptions, command: Command) =>
      (await loadActions()).updateStack(command, name, options),
    );
  stack
    .command("list")
    .description("List the stacks; * marks the active one.")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }, command: Command) =>
      (await loadActions()).listStacks(command, options),
    );
  stack
    .command("describe")
    .description("Show a stack's components (default: the active stack).")
    .argument("[name]")
    .option("--json", "print JSON")
    .action(async (name: string | undefined, options: { json?: boolean }, command: Command) =>
      (await loadActions()).describeStack(command, name, options),
    );
  stack
    .command("set")
    .description("Make a stack the active one (for this user and machine, or this directory's store).")
    .argument("<name>")
    .action(async (name: string, _options: unknown, command: Command) => (await loadActions()).setStack(command, name));
  stack
    .command("validate")
    .description(
      "Make a stack's components, with secrets resolved, and run their validators (default: the active stack).",
    )
    .argument("[name]")
    .action(async (name: string | undefined, _options: unknown, command: Command) =>
      (await loadActions()).validateStack(command, name),
    );
  stack
    .command("delete")
    .description("Delete a stack (not its components); refused for the active stack and for 'default'.")
    .argument("<name>")
    .action(async (name: string, _options: unknown, command: Command) =>
      (await loadActions()).deleteStack(command, name),
    );
}
