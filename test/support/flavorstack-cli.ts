import { type ChildProcess, execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

/** The built `flavorstack` command (`pnpm --filter @flavorstack/cli build`). */
const CLI_BIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@flavorstack/cli/package.json")),
  "dist",
  "bin.js",
);

export interface CliResult {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `flavorstack ARGS` in `cwd` as a user would, with an environment of its own: PATH, HOME = `cwd`, a fixed
 * active-stack scope, and `env`; nothing else from the test's environment.
 */
export function startFlavorstack(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): { child: ChildProcess; result: Promise<CliResult> } {
  let child: ChildProcess | undefined;
  const result = new Promise<CliResult>((resolve) => {
    child = execFile(
      process.execPath,
      [CLI_BIN, ...args],
      {
        cwd,
        encoding: "utf8",
        timeout: 300_000,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, FLAVORSTACK_ACTIVE_SCOPE: "e2e@cli", ...env },
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : null) : 0,
          signal: error?.signal ?? null,
          stdout,
          stderr,
        }),
    );
  });
  return { child: child as ChildProcess, result };
}

/** Runs `flavorstack ARGS` to its end (see startFlavorstack). */
export function runFlavorstack(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  return startFlavorstack(args, cwd, env).result;
}
