import { execFile } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access } from "node:fs/promises";
import path from "node:path";
import { BuildError } from "../../errors.js";
import { CONTAINER_ENGINES } from "./local-image-builder-config.js";

/** The container CLIs the local image builder can drive. */
export type ContainerEngineName = (typeof CONTAINER_ENGINES)[number];

/** How long a probe (`docker info`, `buildah --version`) may take. */
const PROBE_TIMEOUT_MS = 15_000;

/** What to do when no engine works. */
export const INSTALL_HINT =
  "Install one (on Debian/Ubuntu: `apt-get install buildah`; or Docker / Podman from their docs) " +
  "or use a remote image builder such as kaniko.";

/**
 * Picks the container engine to build with. `"auto"` takes the first of
 * docker, podman, buildah that is on PATH and works (`docker info` must reach
 * a daemon). An explicit engine must be on PATH and work.
 */
export async function detectEngine(preference: "auto" | ContainerEngineName): Promise<ContainerEngineName> {
  if (preference !== "auto") {
    if (!CONTAINER_ENGINES.includes(preference)) {
      throw new BuildError(
        `Unknown container engine '${String(preference)}': set engine to "auto" or one of ${CONTAINER_ENGINES.join(", ")}.`,
      );
    }
    const problem = await probeEngine(preference);
    if (problem === undefined) return preference;
    const others = CONTAINER_ENGINES.filter((engine) => engine !== preference).join(", ");
    throw new BuildError(
      problem.missing
        ? `\`${preference}\` is required to run the local image builder: install it or set engine to one of ${others} or "auto" (not found on PATH).`
        : `\`${preference}\` is required to run the local image builder but does not work here: ${problem.reason}. ` +
            `Fix it or set engine to one of ${others} or "auto".`,
    );
  }
  const tried: string[] = [];
  for (const engine of CONTAINER_ENGINES) {
    const problem = await probeEngine(engine);
    if (problem === undefined) return engine;
    tried.push(`${engine}: ${problem.reason}`);
  }
  throw new BuildError(
    `No container engine found to run the local image builder. Tried:\n${tried.map((line) => `  - ${line}`).join("\n")}\n${INSTALL_HINT}`,
  );
}

interface EngineProblem {
  missing: boolean;
  reason: string;
}

async function probeEngine(engine: ContainerEngineName): Promise<EngineProblem | undefined> {
  const binary = await findOnPath(engine);
  if (binary === undefined) return { missing: true, reason: "not found on PATH" };
  const probe = engine === "docker" ? ["info", "--format", "{{.ServerVersion}}"] : ["--version"];
  try {
    const out = await execFileText(binary, probe, PROBE_TIMEOUT_MS);
    if (engine === "docker" && out.trim() === "") {
      return {
        missing: false,
        reason: "`docker info` reports no server (no Docker daemon reachable?)",
      };
    }
    return undefined;
  } catch (error) {
    const detail = firstLine(errorText(error));
    return {
      missing: false,
      reason:
        engine === "docker"
          ? `\`docker info\` failed (no Docker daemon reachable?)${detail ? `: ${detail}` : ""}`
          : `\`${engine} --version\` failed${detail ? `: ${detail}` : ""}`,
    };
  }
}

async function findOnPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function execFileText(file: string, args: string[], timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve(stdout);
    });
  });
}

function errorText(error: unknown): string {
  if (error && typeof error === "object") {
    const stderr = (error as { stderr?: unknown }).stderr;
    if (typeof stderr === "string" && stderr.trim()) return stderr.trim();
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  return String(error);
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? "";
}
