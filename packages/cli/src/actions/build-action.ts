import path from "node:path";
import type { Command } from "commander";
import { printLine } from "../output/print.js";
import { createBuildProgress } from "./build-progress.js";
import { withClient } from "./with-client.js";

export interface BuildCommandOptions {
  image: string;
  stack?: string;
  buildArg?: Record<string, string>;
  label?: Record<string, string>;
  target?: string;
  dockerfile?: string;
  reuse: boolean;
}

/** Exit code after Ctrl-C, as shells report 128 + SIGINT. */
const INTERRUPTED_EXIT_CODE = 130;

/**
 * `build DIR --image NAME`: progress on stderr, the image reference on stdout. The first Ctrl-C (or
 * SIGTERM) aborts the build, which cleans up after itself (no pod left); a second one exits at once.
 */
export async function buildImage(command: Command, dir: string, options: BuildCommandOptions): Promise<void> {
  const progress = await createBuildProgress(process.stderr);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    progress.logger.warn(`${signal}: stopping the build and cleaning up (again to quit at once)…`);
    controller.abort(new Error(`The build was interrupted (${signal}).`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const outcome = await withClient(command, (client) =>
      client.build({
        contextDir: path.resolve(dir),
        image: options.image,
        stack: options.stack,
        buildArgs: options.buildArg,
        labels: options.label,
        target: options.target,
        dockerfile: options.dockerfile,
        reuse: options.reuse,
        signal: controller.signal,
        onProgress: progress.onProgress,
        onLog: progress.onLog,
        logger: progress.logger,
      }),
    );
    progress.stop();
    printLine(outcome.image);
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (controller.signal.aborted) process.exitCode = INTERRUPTED_EXIT_CODE;
  }
}
