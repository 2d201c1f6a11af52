import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

/** The built `flavorstack` command (`pnpm --filter @flavorstack/cli build`). */
const CLI_BIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@flavorstack/cli/package.json")),
  "dist",
  "bin.js",
);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `flavorstack ARGS` in `cwd` as a user would, with an environment of its own: PATH, HOME = `cwd`, a fixed
 * active-stack scope, and `env`; nothing else from the test's environment.
 */
export function runFlavorstack(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      {
        cwd,
        encoding: "utf8",
        timeout: 300_000,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, FLAVORSTACK_ACTIVE_SCOPE: "e2e@cli", ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
