import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { createProgram } from "./program/create-program.js";

/** Exit codes: 0 ok, 1 failure, 2 usage (as commander's parse errors and our own usage checks). */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

/** Runs one command line (`argv` as `process.argv`) and returns its exit code; errors are written to stderr. */
export async function runCli(argv: readonly string[]): Promise<number> {
  // `flavorstack stack list | head -1`: a reader that stops early is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? EXIT_OK);
  });
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  try {
    await createProgram(version).parseAsync(argv);
    return EXIT_OK;
  } catch (error) {
    return await reportError(error);
  }
}

async function reportError(error: unknown): Promise<number> {
  if (error instanceof CommanderError) {
    // commander has written its message already; help and --version end with exit code 0.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  const debug = Boolean(process.env.FLAVORSTACK_DEBUG);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (debug) process.stderr.write(`${describeStack(error)}\n`);
  else if (!(await import("@flavorstack/core/errors")).FlavorstackError.isInstance(error))
    process.stderr.write("(set FLAVORSTACK_DEBUG=1 for the stack trace)\n");
  // A command may have chosen its exit code already (an interrupted build: 130).
  return typeof process.exitCode === "number" && process.exitCode !== EXIT_OK ? process.exitCode : EXIT_FAILURE;
}

/** The stack trace with its causes, for FLAVORSTACK_DEBUG. */
function describeStack(error: unknown): string {
  const lines: string[] = [];
  for (let current: unknown = error; current !== undefined; current = (current as { cause?: unknown }).cause) {
    lines.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    if (!(current instanceof Error)) break;
    if (current.cause !== undefined) lines.push("caused by:");
  }
  return lines.join("\n");
}
