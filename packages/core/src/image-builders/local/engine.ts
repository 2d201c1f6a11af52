import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Writable } from "node:stream";
import { BuildError, FlavorstackError } from "../../errors.js";
import { type ContainerEngineName, INSTALL_HINT } from "./detect-engine.js";

/** Lines of engine output kept for error messages. */
const TAIL_LINES = 20;
/** Grace period between SIGTERM and SIGKILL when a build is aborted. */
const KILL_GRACE_MS = 5_000;

export interface BuildWithEngineOptions {
  engine: ContainerEngineName;
  /** Writes the build context as a gzipped tar to `sink` and ends it. */
  contextArchive: (sink: Writable) => Promise<unknown>;
  /** Full image reference to build (and push): `registry/repository:tag`. */
  tag: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** Multi-stage target. */
  target?: string;
  /** Dockerfile path inside the context (default: the engine's default, `Dockerfile`). */
  dockerfile?: string;
  /** Push `tag` after building and report the pushed manifest's digest. */
  push: boolean;
  /** The registry speaks plain HTTP / has no valid certificate (`--tls-verify=false`; ignored by docker, whose daemon decides). */
  insecureRegistry?: boolean;
  signal?: AbortSignal;
  /** Each line the engine prints. Build-arg values are never printed by us. */
  onLog?: (line: string) => void;
  /** buildah/podman storage. buildah default: `$FLAVORSTACK_BUILDAH_ROOT` or `<tmpdir>/flavorstack-buildah`, `root/` and `runroot/` below it. */
  storage?: { root: string; runroot: string };
}

export interface BuildWithEngineResult {
  /** `sha256:<64 hex>` of the pushed manifest, when pushed. */
  digest?: string;
}

/**
 * Builds `opts.tag` from the context archive with a container engine and,
 * with `push`, pushes it and returns the pushed manifest's digest.
 *
 * docker reads the archive from stdin (`docker build -`); buildah and podman
 * get it extracted into a temporary directory (removed afterwards). As root,
 * buildah runs with the vfs storage driver and chroot isolation, which need
 * neither overlayfs nor user namespaces.
 */
export async function buildWithEngine(opts: BuildWithEngineOptions): Promise<BuildWithEngineResult> {
  throwIfAborted(opts.signal, opts.tag);
  if (opts.engine === "docker") return buildWithDocker(opts);
  return buildWithBuildahOrPodman(opts);
}

// ---------------------------------------------------------------------------

function throwIfAborted(signal: AbortSignal | undefined, tag: string): void {
  if (signal?.aborted)
    throw new BuildError(`The build of ${tag} was aborted.`, {
      cause: signal.reason,
    });
}

// ---------------------------------------------------------------------------

async function buildWithDocker(opts: BuildWithEngineOptions): Promise<BuildWithEngineResult> {
  const args = ["build", "-t", opts.tag, ...commonBuildFlags(opts)];
  if (opts.dockerfile) args.push("-f", opts.dockerfile);
  args.push("-");
  await runEngine("docker", args, opts, { stdinArchive: opts.contextArchive });
  if (!opts.push) return {};

  const pushOutput = await runEngine("docker", ["push", opts.tag], opts);
  const fromPush = /digest: (sha256:[0-9a-f]{64})/.exec(pushOutput.join("\n"))?.[1];
  if (fromPush) return { digest: fromPush };
  const inspected = await runEngine(
    "docker",
    ["inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", opts.tag],
    opts,
  );
  const repository = stripTagAndDigest(opts.tag);
  for (const line of inspected) {
    const at = line.lastIndexOf("@");
    if (at > 0 && line.slice(0, at) === repository && /^sha256:[0-9a-f]{64}$/.test(line.slice(at + 1))) {
      return { digest: line.slice(at + 1) };
    }
  }
  throw new BuildError(
    `\`docker push ${opts.tag}\` succeeded but reported no digest, and \`docker inspect\` lists none for ${repository}.`,
  );
}

async function buildWithBuildahOrPodman(opts: BuildWithEngineOptions): Promise<BuildWithEngineResult> {
  const engine = opts.engine;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const global: string[] = [];
  if (engine === "buildah") {
    const storage = opts.storage ?? defaultBuildahStorage();
    global.push("--root", storage.root, "--runroot", storage.runroot, "--storage-driver", "vfs");
  } else if (opts.storage) {
    global.push("--root", opts.storage.root, "--runroot", opts.storage.runroot);
  }

  const work = await mkdtemp(path.join(os.tmpdir(), `flavorstack-${engine}-`));
  try {
    const contextDir = path.join(work, "context");
    await mkdir(contextDir);
    await extractArchive(opts, contextDir);
    throwIfAborted(opts.signal, opts.tag);

    const bud = [...global, engine === "buildah" ? "bud" : "build", "-t", opts.tag, ...commonBuildFlags(opts)];
    if (engine === "buildah" && isRoot) bud.push("--isolation", "chroot");
    if (opts.insecureRegistry) bud.push("--tls-verify=false");
    if (opts.dockerfile) bud.push("-f", path.resolve(contextDir, opts.dockerfile));
    bud.push(contextDir);
    await runEngine(engine, bud, opts);
    if (!opts.push) return {};

    const digestFile = path.join(work, "digest");
    const push = [...global, "push", "--digestfile", digestFile];
    if (opts.insecureRegistry) push.push("--tls-verify=false");
    push.push(opts.tag, `docker://${opts.tag}`);
    await runEngine(engine, push, opts);
    const digest = (await readFile(digestFile, "utf8")).trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
      throw new BuildError(`\`${engine} push ${opts.tag}\` wrote an unexpected digest '${digest.slice(0, 100)}'.`);
    }
    return { digest };
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
}

function defaultBuildahStorage(): { root: string; runroot: string } {
  const base = process.env.FLAVORSTACK_BUILDAH_ROOT || path.join(os.tmpdir(), "flavorstack-buildah");
  return { root: path.join(base, "root"), runroot: path.join(base, "runroot") };
}

function commonBuildFlags(opts: BuildWithEngineOptions): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(opts.buildArgs ?? {})) flags.push("--build-arg", `${key}=${value}`);
  for (const [key, value] of Object.entries(opts.labels ?? {})) flags.push("--label", `${key}=${value}`);
  if (opts.target) flags.push("--target", opts.target);
  return flags;
}

/** `registry/repo:tag@sha256:...` → `registry/repo`. */
function stripTagAndDigest(reference: string): string {
  const withoutDigest = reference.split("@")[0] ?? reference;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const lastColon = withoutDigest.lastIndexOf(":");
  return lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
}

async function extractArchive(opts: BuildWithEngineOptions, dir: string): Promise<void> {
  // GNU tar refuses `..` members and strips leading `/`; --no-same-owner so a
  // non-root user can extract too; nothing is read from outside `dir`.
  await runEngine("tar", ["-xzf", "-", "--no-same-owner", "-C", dir], opts, {
    stdinArchive: opts.contextArchive,
    what: "extracting the build context",
  });
}

/** The command line as shown in logs: build-arg values hidden (they may hold secrets). */
function describeCommand(command: string, args: readonly string[]): string {
  const shown: string[] = [command];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    shown.push(arg);
    if (arg === "--build-arg" && index + 1 < args.length) {
      const value = args[++index] ?? "";
      const eq = value.indexOf("=");
      shown.push(eq >= 0 ? `${value.slice(0, eq)}=***` : value);
    }
  }
  return shown.join(" ");
}

/** `buildah --root R bud -t x .` → `buildah bud`: the command and its subcommand. */
function shortCommand(command: string, args: readonly string[]): string {
  const valued = new Set(["--root", "--runroot", "--storage-driver"]);
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (valued.has(arg)) index++;
    else if (!arg.startsWith("-")) return `${command} ${arg}`;
  }
  return command;
}

/**
 * Runs one engine command, streaming its output lines to `onLog`, optionally
 * feeding it the context archive on stdin. Resolves with all output lines;
 * rejects with a BuildError carrying the exit code and the output's tail.
 */
async function runEngine(
  command: string,
  args: string[],
  opts: BuildWithEngineOptions,
  extra: {
    stdinArchive?: (sink: Writable) => Promise<unknown>;
    what?: string;
  } = {},
): Promise<string[]> {
  throwIfAborted(opts.signal, opts.tag);
  const shown = describeCommand(command, args);
  const what = extra.what ?? `\`${shortCommand(command, args)}\``;
  opts.onLog?.(`$ ${shown}`);
  const lines: string[] = [];
  const child = spawn(command, args, {
    stdio: [extra.stdinArchive ? "pipe" : "ignore", "pipe", "pipe"],
    env: process.env,
  });

  const collect = (stream: NodeJS.ReadableStream | null) => {
    if (!stream) return;
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      pending += chunk;
      const parts = pending.split(/\r?\n|\r/);
      pending = parts.pop() ?? "";
      for (const line of parts) emit(line);
    });
    stream.on("end", () => {
      if (pending) emit(pending);
      pending = "";
    });
  };
  const emit = (line: string) => {
    lines.push(line);
    opts.onLog?.(line);
  };
  collect(child.stdout);
  collect(child.stderr);

  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    aborted = true;
    killChild(child);
    killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    killTimer.unref();
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal }));
    // A writer still feeding an exited engine gets an error instead of waiting for 'drain'.
    child.once("exit", () => child.stdin?.destroy());
  });

  let feedError: unknown;
  const feeding = (async () => {
    const stdin = child.stdin;
    if (!extra.stdinArchive || !stdin) return;
    // The engine may exit early (bad Dockerfile): its closed stdin is not our error.
    stdin.on("error", () => {});
    try {
      await extra.stdinArchive(stdin);
      if (!stdin.writableEnded) stdin.end();
    } catch (error) {
      feedError = error;
      killChild(child);
    }
  })();

  try {
    let result: { code: number | null; signal: NodeJS.Signals | null };
    try {
      [result] = await Promise.all([exited, feeding]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new BuildError(
        code === "ENOENT"
          ? `\`${command}\` is not on PATH: install it (${command === "tar" ? "apt-get install tar" : INSTALL_HINT}).`
          : `Could not run \`${shown}\`: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (aborted || opts.signal?.aborted) {
      throw new BuildError(`The build of ${opts.tag} was aborted (${what} was stopped).`, {
        cause: opts.signal?.reason,
      });
    }
    // A context that can't be archived is the real cause of whatever the engine then says.
    if (feedError instanceof FlavorstackError) throw feedError;
    if (result.code !== 0) {
      const status = result.code === null ? `was killed by ${result.signal}` : `failed with exit code ${result.code}`;
      const tail = lines.filter((line) => line.trim() !== "").slice(-TAIL_LINES);
      throw new BuildError(
        `${what} ${status} while building ${opts.tag}.` +
          (tail.length ? `\nLast ${tail.length} lines of output:\n${tail.map((line) => `  ${line}`).join("\n")}` : ""),
      );
    }
    // An engine that exited successfully may close stdin before the last bytes (gzip padding) are written.
    if (feedError !== undefined && !isClosedPipe(feedError)) {
      throw new BuildError(`Could not stream the build context of ${opts.tag}: ${(feedError as Error)?.message}`, {
        cause: feedError,
      });
    }
    return lines;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    if (killTimer) clearTimeout(killTimer);
  }
}

function killChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
}

function isClosedPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_PREMATURE_CLOSE" || code === "ERR_STREAM_DESTROYED";
}
