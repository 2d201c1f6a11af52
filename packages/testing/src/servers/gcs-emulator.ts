import type { ChildProcess } from "node:child_process";

/** Options of {@link startGcsEmulator}. */
export interface GcsEmulatorOptions {
  /** The project id the emulator serves (default `flavorstack-test`). */
  projectId?: string;
  /**
   * Check credentials as GCS does (the bare emulator checks none): every request must carry a bearer token that is a
   * JWT signed (RS256) by the private key of one of `allowed` (PEM public keys), as the auth library makes for a
   * service account key in a universe of its own (`universe_domain`); else GCS's 401 "Invalid Credentials". A token of
   * one of `denied` gets GCS's 403 (permission denied). Default: no check.
   */
  accounts?: { allowed: readonly string[]; denied?: readonly string[] };
}

/** An object whose resumable upload was started and neither finished nor cancelled. */
export interface GcsPendingUpload {
  bucket: string;
  name: string;
}

/** A running GCS emulator; see {@link startGcsEmulator}. */
export interface GcsEmulator {
  /** `http://127.0.0.1:PORT`: the `apiEndpoint` of `@google-cloud/storage`, or `STORAGE_EMULATOR_HOST`. */
  readonly endpoint: string;
  readonly projectId: string;
  /** Creates a bucket. Requests to any other bucket get GCS's 404 "The specified bucket does not exist.". */
  createBucket(name: string): Promise<void>;
  /** The resumable uploads the emulator holds open (started, neither finalized nor cancelled). */
  pendingUploads(): Promise<GcsPendingUpload[]>;
  /** Stops the emulator's process and removes its blobs. */
  stop(): Promise<void>;
}

const DEFAULT_PROJECT_ID = "flavorstack-test";
const START_TIMEOUT_MS = 30_000;

/**
 * Starts Google's Cloud Storage emulator from firebase-tools (an optional peer dependency, pinned exactly) in a child
 * Node process on a free port of 127.0.0.1, its blobs in a temp dir of its own. Unlike the bare emulator it answers
 * as GCS does for buckets: only those made with `createBucket` exist, others get GCS's 404; bucket metadata
 * (`bucket.exists()`) and cancelling a resumable session (DELETE on its URI, 499) work; credentials are checked only
 * when `accounts` is given.
 *
 * Known limits of the emulator: chunked resumable uploads (`chunkSize`) fail; an upload's body is buffered whole
 * and may be at most 130 MB.
 */
export async function startGcsEmulator(options: GcsEmulatorOptions = {}): Promise<GcsEmulator> {
  const projectId = options.projectId ?? DEFAULT_PROJECT_ID;
  const [{ fork }, { mkdtemp, rm }, { tmpdir }, path, { fileURLToPath }] = await Promise.all([
    import("node:child_process"),
    import("node:fs/promises"),
    import("node:os"),
    import("node:path"),
    import("node:url"),
  ]);
  const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-gcs-emulator-"));
  // Beside this module: the compiled .js in dist/, the .ts source under vitest (Node strips its types).
  const self = fileURLToPath(import.meta.url);
  const script = path.join(path.dirname(self), `gcs-emulator-process${path.extname(self)}`);
  const accounts = options.accounts && {
    allowed: [...options.accounts.allowed],
    denied: [...(options.accounts.denied ?? [])],
  };
  const child = fork(script, [JSON.stringify({ dir, projectId, accounts })], {
    execArgv: [],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const removeDir = () => rm(dir, { recursive: true, force: true });
  let port: number;
  try {
    port = await portOf(child, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    await removeDir();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    projectId,
    async createBucket(name) {
      const response = await fetch(`${endpoint}/_flavorstack/buckets/${encodeURIComponent(name)}`, { method: "POST" });
      if (!response.ok) throw new Error(`the GCS emulator could not create bucket '${name}': HTTP ${response.status}`);
    },
    async pendingUploads() {
      const response = await fetch(`${endpoint}/_flavorstack/uploads`);
      if (!response.ok) throw new Error(`the GCS emulator could not list its uploads: HTTP ${response.status}`);
      return ((await response.json()) as { uploads: GcsPendingUpload[] }).uploads;
    },
    stop() {
      stopping ??= (async () => {
        if (child.connected) child.send("stop");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
        await removeDir();
      })();
      return stopping;
    },
  };
}

/** The port the child reports, or an error with its stderr when it exits or times out first. */
function portOf(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(
        new Error(
          `The GCS emulator ${why}. It needs firebase-tools (pnpm add -D firebase-tools@<the version @flavorstack/testing pins>).\n${stderr()}`,
        ),
      );
    };
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    child.once("message", (message: { port?: number }) => {
      clearTimeout(timer);
      if (typeof message.port === "number") resolve(message.port);
      else fail("sent an unexpected message");
    });
    child.once("exit", (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before listening`));
    child.once("error", (error) => fail(`could not be started: ${error.message}`));
  });
}
