import { Command } from "commander";

/**
 * A command that parses, a second time, the arguments a first command (`first`, which did not know the
 * flavor) collected unparsed: same name, description and settings, and the same parent, so that usage
 * lines and errors read `flavorstack image-builder register …`.
 */
export function createSecondPassCommand(first: Command, usage: string): Command {
  const second = new Command(first.name());
  second.copyInheritedSettings(first);
  second.parent = first.parent;
  return second.description(first.description()).usage(usage);
}
