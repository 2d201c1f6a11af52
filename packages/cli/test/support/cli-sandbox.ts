import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The built command: the tests run what a user runs. `pnpm --filter @flavorstack/cli build` makes it. */
const CLI_BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  /** Added to the sandbox's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to the command's stdin. */
  input?: string;
  /** Options for Node itself, before the command's script. */
  nodeArgs?: string[];
  /** Run as this unprivileged user (through `setpriv`): the tests run as root, which ignores file modes. */
  user?: { uid: string; gid: string };
}

export interface CliSandbox {
  /** The empty working directory the commands run in; the store is `<dir>/.flavorstack/store.db`. */
  dir: string;
  storeFile: string;
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** sha256 over the store's files (the database and, when present, its WAL), to prove nothing changed. */
  storeHash(): Promise<string>;
  remove(): Promise<void>;
}

/**
 * A temp directory to run `flavorstack` in, with an environment of its own: HOME inside the sandbox,
 * no FLAVORSTACK_* variable from outside, and a fixed active-stack scope.
 */
export async function createCliSandbox(): Promise<CliSandbox> {
  if (!existsSync(CLI_BIN))
    throw new Error(`${CLI_BIN} is missing: run \`pnpm --filter @flavorstack/cli build\` first.`);
  const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-cli-e2e-"));
  // Readable by the unprivileged user of the read-only-store case.
  await chmod(dir, 0o755);
  const storeFile = path.join(dir, ".flavorstack", "store.db");
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: path.join(dir, "home"),
    FLAVORSTACK_ACTIVE_SCOPE: "e2e@sandbox",
  };
  return {
    dir,
    storeFile,
    run: (args, options = {}) => {
      const env: Record<string, string> = { ...baseEnv };
      for (const [name, value] of Object.entries(options.env ?? {})) {
        if (value === undefined) delete env[name];
        else env[name] = value;
      }
      const command = options.user
        ? ["setpriv", `--reuid=${options.user.uid}`, `--regid=${options.user.gid}`, "--clear-groups", process.execPath]
        : [process.execPath];
      return runProcess(command, [...(options.nodeArgs ?? []), CLI_BIN, ...args], {
        cwd: dir,
        env,
        input: options.input,
      });
    },
    storeHash: () => hashFiles(storeFile, `${storeFile}-wal`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** sha256 over the names and bytes of those of `files` that exist. */
export async function hashFiles(...files: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const file of files) {
    if (existsSync(file)) hash.update(file).update(await readFile(file));
  }
  return hash.digest("hex");
}

function runProcess(
  command: string[],
  args: string[],
  options: { cwd: string; env: Record<string, string>; input: string | undefined },
): Promise<CliResult> {
  const [program = "", ...prefix] = command;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...prefix, ...args], { cwd: options.cwd, env: options.env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
