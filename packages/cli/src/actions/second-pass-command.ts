import { Command } from "commander";

/**
 * A command that parses, a second time, the arguments a first command (`first`, which did not know the
 * flavor) collected unparsed: same name, description and settings, and the same parent, so that usage
 * lines and errors read `flavorstack image-builder register …`.
 */
export function createSecondPassCommand(first: Command, usage: string): Command {
  const second = new Command(first.name());
  // The first command lets everything through unparsed: this one parses strictly and handles --help.
  second.copyInheritedSettings(first);
  second.helpOption("-h, --help", "display help for command").allowExcessArguments(false);
  second.parent = first.parent;
  return second.description(first.description()).usage(usage);
}
