import { access, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import type { Executor, ExecutorContext, ExecutorResult } from "../kubernetes/kubelet/executor.js";
import { buildWithBuildah, isBuildahAvailable } from "./buildah-build.js";
import { openContextSource, parseContextLocation } from "./context-source.js";
import { extractTarGz } from "./extract-tar-gz.js";
import { isPlainHttpRegistry, parseImageDestination } from "./image-destination.js";
import { parseKanikoArgs } from "./kaniko-args.js";
import { simulateLayerCache } from "./layer-cache.js";
import { buildContextImage, pushOciImage } from "./oci-image.js";

export interface SimulatedKanikoOptions {
  /**
   * `"auto"` (default): build with buildah when it is installed, else assemble a one-layer image of the context;
   * `"always"`: require buildah; `"never"`: always assemble.
   */
  buildah?: "auto" | "always" | "never";
  /** Buildah's storage root (default: `buildah/` in the double's `stateDir`, so pods share base layers). */
  buildahRoot?: string;
}

function keyValues(entries: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const index = entry.indexOf("=");
    if (index > 0) out[entry.slice(0, index)] = entry.slice(index + 1);
  }
  return out;
}

/**
 * Creates an executor that behaves like kaniko's: parses its flags, reads the gzipped context (stdin, S3 or GCS),
 * requires the Dockerfile, reports layer cache hits and misses with `--cache` (see `simulateLayerCache`), builds (buildah, or a one-layer image of the context), pushes to the registry and writes
 * `<repository>@sha256:<hex>` lines to `--image-name-with-digest-file` (the termination message when that is the
 * container's `terminationMessagePath`). Any failure: an `error ...` log line and exit code 1.
 */
export function createSimulatedKaniko(options: SimulatedKanikoOptions = {}): Executor {
  return async (context: ExecutorContext): Promise<ExecutorResult> => {
    const { log, signal } = context;
    const files = new Map<string, string>();
    let workDir: string | undefined;
    try {
      const args = parseKanikoArgs(
        [...context.container.command.slice(1), ...context.container.args].filter((arg) => arg !== "/kaniko/executor"),
      );
      for (const flag of args.ignored) log(`WARN flag ${flag} is accepted but not simulated by the double`, "stderr");
      if (args.positional.length > 0) throw new Error(`accepts 0 arg(s), received ${args.positional.length}`);
      if (!args.context)
        throw new Error("no build context given (the double serves --context=tar://stdin, s3:// or gs://)");
      if (args.destinations.length === 0 && !args.noPush) {
        throw new Error("you must provide --destination, or use --no-push");
      }
      const destinations = args.destinations.map(parseImageDestination);
      const location = parseContextLocation(args.context);
      const dockerfile = posix.normalize(args.dockerfile.replace(/^\/workspace\//, ""));
      if (dockerfile.startsWith("../") || dockerfile.startsWith("/")) {
        throw new Error(`dockerfile ${args.dockerfile} is outside the build context`);
      }

      workDir = await mkdtemp(join(tmpdir(), "flavorstack-kaniko-"));
      const contextDir = join(workDir, "context");
      await mkdir(contextDir);
      log(
        location.scheme === "stdin"
          ? "INFO To simulate EOF and exit, press 'Ctrl+D'"
          : `INFO Retrieving build context from ${args.context}`,
      );
      const source = await openContextSource(location, context.container.env, context.stdin, signal);
      const summary = await extractTarGz(source, contextDir, signal);
      log(`INFO Extracted build context: ${summary.files} files, ${summary.bytes} bytes`);
      try {
        await access(join(contextDir, dockerfile));
      } catch {
        throw new Error(
          "error resolving dockerfile path: please provide a valid path to a Dockerfile within the build context with --dockerfile",
        );
      }
      log(`INFO Using dockerfile: ${dockerfile}`);
      if (args.cache) {
        // kaniko infers `<destination>/cache` when --cache-repo is not given.
        const repository = args.cacheRepo ?? (destinations[0] ? `${destinations[0].repository}/cache` : undefined);
        if (!repository) throw new Error("--cache-repo is required with --cache when there is no --destination");
        await simulateLayerCache({
          stateDir: context.stateDir,
          repository: parseImageDestination(repository).repository,
          ttl: args.cacheTtl,
          copyLayers: args.cacheCopyLayers,
          dockerfile: await readFile(join(contextDir, dockerfile), "utf8"),
          buildArgs: args.buildArgs,
          contextDir,
          log,
        });
      }

      const labels = keyValues(args.labels);
      const useBuildah = options.buildah === "always" || (options.buildah !== "never" && (await isBuildahAvailable()));
      const plainHttp = (registry: string) =>
        args.insecure || args.insecureRegistries.includes(registry) || isPlainHttpRegistry(registry);
      const skipTls = (registry: string) =>
        args.skipTlsVerify || args.skipTlsVerifyRegistries.includes(registry) || plainHttp(registry);
      let digests: string[];
      if (useBuildah) {
        log("INFO Building with buildah");
        digests = await buildWithBuildah({
          root: options.buildahRoot ?? join(context.stateDir, "buildah"),
          contextDir,
          dockerfile,
          destinations: args.destinations,
          buildArgs: args.buildArgs,
          labels: args.labels,
          ...(args.target ? { target: args.target } : {}),
          tlsVerify: !destinations.some((destination) => skipTls(destination.registry)),
          push: !args.noPush,
          log,
          signal,
        });
      } else {
        const instructions = (await readFile(join(contextDir, dockerfile), "utf8")).split("\n");
        const froms = instructions.filter((line) => /^\s*FROM\s/i.test(line));
        if (
          froms.some((line) => !/^\s*FROM\s+scratch(\s|$)/i.test(line)) ||
          instructions.some((line) => /^\s*RUN\s/i.test(line))
        ) {
          log(
            "WARN buildah is not installed: the image holds the context files only (no base image, no RUN)",
            "stderr",
          );
        }
        const image = await buildContextImage(contextDir, labels);
        digests = destinations.map(() => image.digest);
        // kaniko writes the digest files before it pushes.
        writeDigestFiles(
          files,
          args,
          destinations.map((destination) => destination.repository),
          digests,
        );
        for (const destination of destinations) {
          log(`INFO Pushing image to ${destination.repository}:${destination.tag}`);
          await pushOciImage(image, destination, {
            scheme: plainHttp(destination.registry) ? "http" : "https",
            signal,
          });
          log(`INFO Pushed ${destination.repository}@${image.digest}`);
        }
      }
      writeDigestFiles(
        files,
        args,
        destinations.map((destination) => destination.repository),
        digests,
      );
      return { exitCode: 0, terminationMessage: files.get(context.container.terminationMessagePath) ?? "" };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`error building image: ${signal.aborted ? "killed" : message}`, "stderr");
      return { exitCode: 1, terminationMessage: files.get(context.container.terminationMessagePath) ?? "" };
    } finally {
      if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => {});
    }
  };
}

function writeDigestFiles(
  files: Map<string, string>,
  args: { imageNameWithDigestFile: string | undefined; digestFile: string | undefined },
  repositories: string[],
  digests: string[],
): void {
  if (args.digestFile && digests[0]) files.set(args.digestFile, digests[0]);
  if (args.imageNameWithDigestFile) {
    files.set(
      args.imageNameWithDigestFile,
      repositories.map((repository, index) => `${repository}@${digests[index] ?? ""}\n`).join(""),
    );
  }
}

/** {@link createSimulatedKaniko} with its defaults: buildah when it is installed. */
export const simulatedKaniko: Executor = createSimulatedKaniko();
