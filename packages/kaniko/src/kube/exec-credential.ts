import { spawn } from "node:child_process";
import { untilAborted } from "./until-aborted.js";

/** A kubeconfig user's `exec` section (client.authentication.k8s.io). */
export interface ExecConfig {
  command: string;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
}

/** What an exec plugin printed: a bearer token, or a client certificate and key. */
interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
}

export interface ExecCredentialSource {
  /**
   * The cached credential, or a fresh one from the plugin once the cached one expired. Aborting `signal` stops
   * waiting; the plugin is killed once every caller waiting on it has aborted.
   */
  get(signal?: AbortSignal): Promise<ExecCredential>;
  /** Drops the cached credential (the API server refused it): the next {@link get} runs the plugin again. */
  invalidate(): void;
}

const OUTPUT_LIMIT = 1024 * 1024;
const STDERR_TAIL = 2000;

/**
 * Runs a kubeconfig's exec credential plugin as kubectl does: `KUBERNETES_EXEC_INFO` tells the plugin it is not
 * interactive, the user's `env` entries are added to this process's environment, and the credential is cached until
 * its `expirationTimestamp`. (A relative command was already resolved against the kubeconfig's directory.)
 */
export function createExecCredentialSource(exec: ExecConfig): ExecCredentialSource {
  const { command } = exec;
  let cached: { credential: ExecCredential; expires: number } | undefined;
  let running: { result: Promise<ExecCredential>; waiters: number; stop: AbortController } | undefined;

  const run = (stop: AbortSignal): Promise<PluginOutput> =>
    new Promise((resolve, reject) => {
      const env = { ...process.env };
      for (const entry of exec.env ?? []) env[entry.name] = entry.value;
      env.KUBERNETES_EXEC_INFO = JSON.stringify({
        apiVersion: exec.apiVersion,
        kind: "ExecCredential",
        spec: { interactive: false },
      });
      const child = spawn(command, exec.args ?? [], { env, signal: stop, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        if (stdout.length < OUTPUT_LIMIT) stdout += chunk;
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr = (stderr + chunk).slice(-STDERR_TAIL);
      });
      child.on("error", (error) => {
        if (stop.aborted) reject(stop.reason);
        else reject(new Error(`cannot run the kubeconfig's exec plugin '${command}': ${error.message}`));
      });
      child.on("close", (code, signal) => {
        if (stop.aborted) return reject(stop.reason);
        if (code !== 0) {
          const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          return reject(
            new Error(`the kubeconfig's exec plugin '${command}' ${why}${stderr ? `: ${stderr.trim()}` : ""}`),
          );
        }
        try {
          resolve(parseCredential(stdout, exec.apiVersion));
        } catch (error) {
          reject(new Error(`the kubeconfig's exec plugin '${command}' printed ${(error as Error).message}`));
        }
      });
    });

  return {
    async get(signal) {
      if (cached && cached.expires > Date.now()) return cached.credential;
      if (!running) {
        const stop = new AbortController();
        const result = run(stop.signal).then(({ expirationTimestamp, ...credential }) => {
          const expires = Date.parse(expirationTimestamp ?? "");
          cached = { credential, expires: Number.isNaN(expires) ? Number.POSITIVE_INFINITY : expires };
          return credential;
        });
        const started = { result, waiters: 0, stop };
        running = started;
        const settled = () => {
          if (running === started) running = undefined;
        };
        result.then(settled, settled);
      }
      const current = running;
      current.waiters += 1;
      try {
        return await untilAborted(current.result, signal);
      } finally {
        current.waiters -= 1;
        if (current.waiters === 0 && signal?.aborted) {
          // Nobody waits for it any more: kill the plugin (it may be waiting for a login that never comes).
          if (running === current) running = undefined;
          current.stop.abort(signal.reason);
        }
      }
    },
    invalidate() {
      cached = undefined;
    },
  };
}

type PluginOutput = ExecCredential & { expirationTimestamp?: string };

function parseCredential(stdout: string, apiVersion: string | undefined): PluginOutput {
  let document: { apiVersion?: string; kind?: string; status?: Record<string, unknown> };
  try {
    document = JSON.parse(stdout) as typeof document;
  } catch {
    throw new Error("output that is not JSON (an ExecCredential was expected)");
  }
  if (document?.kind !== "ExecCredential" || !document.status) throw new Error("no ExecCredential with a status");
  if (apiVersion && document.apiVersion !== apiVersion) {
    throw new Error(`an ExecCredential of apiVersion '${document.apiVersion}', not the configured '${apiVersion}'`);
  }
  const { token, clientCertificateData, clientKeyData, expirationTimestamp } = document.status;
  const strings = { token, clientCertificateData, clientKeyData, expirationTimestamp };
  const credential = Object.fromEntries(Object.entries(strings).filter(([, value]) => typeof value === "string"));
  if (!credential.token && !(credential.clientCertificateData && credential.clientKeyData)) {
    throw new Error("an ExecCredential with neither a token nor a client certificate and key");
  }
  return credential;
}
