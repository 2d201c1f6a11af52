import type { Command } from "commander";
import type { BuildCommandOptions } from "../actions/build-action.js";
import { collectPair } from "./key-value-pair.js";

export function defineBuildCommand(program: Command): void {
  program
    .command("build")
    .description(
      "Build and push an image with the stack's image builder; prints the image reference with its digest. " +
        "A build whose inputs match a recorded one, and whose image the registry still has, is reused.",
    )
    .argument("<dir>", "the build context: a directory with a Dockerfile")
    .requiredOption("--image <name>", "the image: team/app:1.0 (pushed under the stack's registry) or a full reference")
    .option("--stack <name>", "the stack to build with (default: the active stack)")
    .option("--build-arg <key=value>", "a build argument (repeatable)", collectPair)
    .option("--label <key=value>", "an image label (repeatable)", collectPair)
    .option("--target <stage>", "the Dockerfile stage to build")
    .option("--dockerfile <path>", "the Dockerfile, relative to <dir> (default: Dockerfile)")
    .option("--no-reuse", "build even when a recorded build matches")
    .action(async (dir: string, options: BuildCommandOptions, command: Command) =>
      (await import("../actions/build-action.js")).buildImage(command, dir, options),
    );
}
