import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** Whether `buildah` runs here, checked on first use. */
let buildahAvailable: Promise<boolean> | undefined;

/** Whether a `buildah` binary runs here (checked once). */
export function isBuildahAvailable(): Promise<boolean> {
  buildahAvailable ??= new Promise((resolve) => {
    const child = spawn("buildah", ["--version"], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("exit", (code) => resolve(code === 0));
  });
  return buildahAvailable;
}

export interface BuildahBuildOptions {
  /** Storage root (created when missing): `<root>/storage` and `<root>/run` are used. */
  root: string;
  contextDir: string;
  dockerfile: string;
  destinations: string[];
  buildArgs: string[];
  labels: string[];
  target?: string;
  /** Verify TLS when pulling bases and pushing (false for plain-HTTP registries). */
  tlsVerify: boolean;
  push: boolean;
  log(line: string, stream?: "stdout" | "stderr"): void;
  signal: AbortSignal;
}

function run(args: string[], options: BuildahBuildOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("buildah", args, {
      signal: options.signal,
      killSignal: "SIGKILL",
      env: { ...process.env, BUILDAH_ISOLATION: "chroot" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tail: string[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => options.log(line));
    createInterface({ input: child.stderr }).on("line", (line) => {
      tail.push(line);
      if (tail.length > 5) tail.shift();
      options.log(line, "stderr");
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `buildah ${args.find((arg) => arg === "bud" || arg === "push")} failed (${signal ?? `exit ${code}`}): ${tail.join(" | ")}`,
          ),
        );
    });
  });
}

/** Builds with `buildah bud` (vfs, chroot isolation) and pushes each destination; returns their digests. */
export async function buildWithBuildah(options: BuildahBuildOptions): Promise<string[]> {
  await mkdir(options.root, { recursive: true });
  const global = [
    "--root",
    join(options.root, "storage"),
    "--runroot",
    join(options.root, "run"),
    "--storage-driver",
    "vfs",
  ];
  const first = options.destinations[0] ?? `localhost/flavorstack-double-build:${Date.now()}`;
  const bud = [...global, "bud", "--isolation", "chroot", `--tls-verify=${options.tlsVerify}`];
  for (const arg of options.buildArgs) bud.push("--build-arg", arg);
  for (const label of options.labels) bud.push("--label", label);
  if (options.target) bud.push("--target", options.target);
  bud.push("-f", join(options.contextDir, options.dockerfile), "-t", first, options.contextDir);
  await run(bud, options);
  if (!options.push) return [];
  const digests: string[] = [];
  const scratch = await mkdtemp(join(options.root, "digest-"));
  try {
    for (const [index, destination] of options.destinations.entries()) {
      const digestFile = join(scratch, `digest-${index}`);
      await run(
        [
          ...global,
          "push",
          `--tls-verify=${options.tlsVerify}`,
          "--digestfile",
          digestFile,
          first,
          `docker://${destination}`,
        ],
        options,
      );
      digests.push((await readFile(digestFile, "utf8")).trim());
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return digests;
}
