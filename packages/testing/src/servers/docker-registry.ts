import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port.js";

/** A real `distribution` registry (Debian's `docker-registry`) on 127.0.0.1, plain HTTP. */
export interface RunningRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the registry part of image references. */
  hostPort: string;
  /** Where the registry stores blobs and manifests (removed by `stop()`). */
  storageDir: string;
  /** Stops the registry and removes its storage. */
  stop(): Promise<void>;
}

/** Every manifest media type a registry may hold for a tag. */
const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

const START_TIMEOUT_MS = 15_000;

/**
 * Starts `docker-registry serve` on a free 127.0.0.1 port with a temporary
 * storage directory (deletes enabled) and waits until `/v2/` answers.
 * Install it with `apt-get install docker-registry` (the repository's `bash test/infra/setup.sh` does).
 */
export async function startRegistry(): Promise<RunningRegistry> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      return await startOnPort(port);
    } catch (error) {
      lastError = error;
      // Another process may have taken the port between probe and bind: retry.
      if (!String((error as Error).message).includes("address already in use")) throw error;
    }
  }
  throw lastError;
}

async function startOnPort(port: number): Promise<RunningRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "flavorstack-registry-"));
  const storageDir = path.join(dir, "storage");
  const config = path.join(dir, "config.yml");
  await writeFile(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "  accesslog:",
      "    disabled: true",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${storageDir}`,
      "  delete:",
      "    enabled: true",
      "  cache:",
      "    blobdescriptor: inmemory",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "  secret: flavorstack-test-only",
      "",
    ].join("\n"),
  );

  const child = spawn("docker-registry", ["serve", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    output = (output + chunk).slice(-8192);
  });
  const exited = new Promise<string>((resolve) => {
    child.once("error", (error) =>
      resolve(
        (error as NodeJS.ErrnoException).code === "ENOENT"
          ? "docker-registry is not installed: run `bash test/infra/setup.sh` (apt-get install docker-registry)"
          : `docker-registry could not start: ${error.message}`,
      ),
    );
    child.once("exit", (code, signal) => resolve(`docker-registry exited (${signal ?? code}):\n${output}`));
  });

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exitMessage: string | undefined;
  void exited.then((message) => {
    exitMessage = message;
  });
  while (Date.now() < deadline) {
    if (exitMessage !== undefined) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(exitMessage);
    }
    try {
      const response = await fetch(`${url}/v2/`, {
        signal: AbortSignal.timeout(1000),
      });
      await response.body?.cancel();
      if (response.ok) return { url, hostPort: `127.0.0.1:${port}`, storageDir, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await stop();
  throw new Error(`docker-registry did not answer ${url}/v2/ within ${START_TIMEOUT_MS} ms:\n${output}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await gone;
  clearTimeout(timer);
}

/**
 * The digest of `repository:reference` in the registry at `hostPort` (HEAD of
 * the manifest, any manifest media type), or undefined when it has none.
 */
export async function manifestDigest(
  hostPort: string,
  repository: string,
  reference: string,
): Promise<string | undefined> {
  const response = await fetch(`http://${hostPort}/v2/${repository}/manifests/${reference}`, {
    method: "HEAD",
    headers: { Accept: MANIFEST_ACCEPT },
  });
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new Error(
      `HEAD ${repository}:${reference} on ${hostPort} answered ${response.status} ${response.statusText}`,
    );
  }
  const digest = response.headers.get("docker-content-digest");
  if (!digest) throw new Error(`HEAD ${repository}:${reference} on ${hostPort} answered without Docker-Content-Digest`);
  return digest;
}
