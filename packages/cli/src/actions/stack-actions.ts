import type { StackRecord } from "@flavorstack/client";
import type { StackComponentType } from "@flavorstack/core";
import type { Command } from "commander";
import { printFields, printJson, printLine, printTable } from "../output/print.js";
import { withClient } from "./with-client.js";

/** A component name, or `false` from --no-<type> (remove it). */
export interface StackComponentOptions {
  artifactStore?: string;
  containerRegistry?: string | false;
  imageBuilder?: string | false;
}

export async function registerStack(
  command: Command,
  name: string,
  options: StackComponentOptions & { set?: boolean },
) {
  await withClient(command, async (client) => {
    const record = await client.registerStack({
      name,
      components: componentChanges(options) as Record<string, string>,
    });
    printLine(`Registered stack '${record.name}'.`);
    if (options.set) {
      await client.setActiveStack(record.name);
      printLine(`Active stack: '${record.name}'.`);
    }
  });
}

export async function updateStack(command: Command, name: string, options: StackComponentOptions) {
  const changes = componentChanges(options);
  if (Object.keys(changes).length === 0) {
    command.error("error: nothing to change: give -a, -c, -i, --no-container-registry or --no-image-builder.", {
      exitCode: 2,
    });
  }
  const record = await withClient(command, (client) => client.updateStack(name, changes));
  printLine(`Updated stack '${record.name}'.`);
}

export async function listStacks(command: Command, options: { json?: boolean }) {
  const stacks = await withClient(command, (client) => client.listStacks());
  if (options.json) return printJson(stacks);
  const types = [...new Set(stacks.flatMap((stack) => Object.keys(stack.components)))].sort() as StackComponentType[];
  printTable(
    ["ACTIVE", "NAME", ...types.map((type) => type.toUpperCase())],
    stacks.map((stack) => [
      stack.active ? "*" : "",
      stack.name,
      ...types.map((type) => stack.components[type]?.name ?? "-"),
    ]),
  );
}

export async function describeStack(command: Command, name: string | undefined, options: { json?: boolean }) {
  const stack = await withClient(command, (client) => client.getStackRecord(name));
  if (options.json) return printJson(stack);
  printStack(stack);
}

export async function setStack(command: Command, name: string) {
  const stack = await withClient(command, (client) => client.setActiveStack(name));
  printLine(`Active stack: '${stack.name}'.`);
}

export async function validateStack(command: Command, name: string | undefined) {
  // getStack makes the components and runs every validator: a problem is its StackValidationError.
  const stackName = await withClient(command, async (client) => (await client.getStack(name)).name);
  printLine(`Stack '${stackName}' is valid.`);
}

export async function deleteStack(command: Command, name: string) {
  await withClient(command, (client) => client.deleteStack(name));
  printLine(`Deleted stack '${name}'.`);
}

function componentChanges(options: StackComponentOptions): Partial<Record<StackComponentType, string | null>> {
  const changes: Partial<Record<StackComponentType, string | null>> = {};
  if (options.artifactStore !== undefined) changes.artifact_store = options.artifactStore;
  if (options.containerRegistry !== undefined) changes.container_registry = options.containerRegistry || null;
  if (options.imageBuilder !== undefined) changes.image_builder = options.imageBuilder || null;
  return changes;
}

function printStack(stack: StackRecord): void {
  printFields([
    ["name", stack.name],
    ["active", stack.active ? "yes" : "no"],
    ["id", stack.id],
    ["created", stack.createdAt],
    ["updated", stack.updatedAt],
    ...Object.entries(stack.components).map(
      ([type, component]) => [type, `${component?.name} (flavor ${component?.flavor})`] as const,
    ),
  ]);
}
