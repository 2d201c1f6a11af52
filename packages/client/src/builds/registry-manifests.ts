import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ImageReference } from "@flavorstack/core";
import { isLocalRegistryHost } from "@flavorstack/core";

/** What a registry says about a manifest: there (with its digest), not there, or nothing we can use. */
export type ManifestAnswer =
  | { status: "found"; digest: string }
  | { status: "missing" }
  | { status: "unknown"; reason: string };

export interface RegistryManifestsOptions {
  /** Per request; a registry that does not answer in time is "unknown". Default 10 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

const DOCKER_HUB_API = "registry-1.docker.io";

/**
 * Asks registries for manifests with `HEAD /v2/<repository>/manifests/<tag or digest>`, as the
 * docker CLI does: plain HTTP for local registries (127.0.0.0/8, localhost, ::1), HTTPS elsewhere;
 * a 401 is answered with the token its `WWW-Authenticate` challenge names (anonymously, or with the
 * docker config's credentials for that registry). Credentials never reach a message.
 */
export function createRegistryManifests(options: RegistryManifestsOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const env = options.env ?? process.env;
  const tokens = new Map<string, string>();

  async function head(reference: ImageReference): Promise<ManifestAnswer> {
    const host = reference.domain === "docker.io" ? DOCKER_HUB_API : reference.domain;
    const scheme = isLocalRegistryHost(reference.domain) ? "http" : "https";
    const url = `${scheme}://${host}/v2/${reference.path}/manifests/${reference.digest ?? reference.tag ?? "latest"}`;
    const scope = `repository:${reference.path}:pull`;
    try {
      let response = await request(url, tokens.get(`${host} ${scope}`));
      if (response.status === 401) {
        const token = await fetchToken(response.headers.get("www-authenticate"), host, scope);
        if (token === undefined) return { status: "unknown", reason: `${host} asks for credentials we do not have` };
        tokens.set(`${host} ${scope}`, token);
        response = await request(url, token);
      }
      if (response.status === 404) return { status: "missing" };
      if (!response.ok) return { status: "unknown", reason: `${host} answered HTTP ${response.status}` };
      const digest = response.headers.get("docker-content-digest") ?? reference.digest;
      if (!digest) return { status: "unknown", reason: `${host} sent no Docker-Content-Digest` };
      return { status: "found", digest };
    } catch (error) {
      return { status: "unknown", reason: `${host} could not be reached (${(error as Error).message})` };
    }
  }

  function request(url: string, authorization: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { accept: MANIFEST_ACCEPT };
    if (authorization !== undefined) headers.authorization = authorization;
    return fetch(url, { method: "HEAD", headers, signal: requestSignal(), redirect: "follow" });
  }

  async function fetchToken(challenge: string | null, host: string, scope: string): Promise<string | undefined> {
    const basic = await dockerConfigAuth(host, env);
    if (challenge === null) return undefined;
    const [kind = "", ...rest] = challenge.split(" ");
    if (kind.toLowerCase() === "basic") return basic === undefined ? undefined : `Basic ${basic}`;
    if (kind.toLowerCase() !== "bearer") return undefined;
    const parameters = Object.fromEntries(
      [...rest.join(" ").matchAll(/([a-z_]+)="([^"]*)"/gi)].map((match) => [match[1]?.toLowerCase(), match[2]]),
    );
    if (!parameters.realm) return undefined;
    const tokenUrl = new URL(parameters.realm);
    if (parameters.service) tokenUrl.searchParams.set("service", parameters.service);
    tokenUrl.searchParams.set("scope", parameters.scope ?? scope);
    const headers: Record<string, string> = {};
    if (basic !== undefined) headers.authorization = `Basic ${basic}`;
    const response = await fetch(tokenUrl, { headers, signal: requestSignal() });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    return token ? `Bearer ${token}` : undefined;
  }

  function requestSignal(): AbortSignal {
    const timeout = AbortSignal.timeout(timeoutMs);
    return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  }

  return { head };
}

export type RegistryManifests = ReturnType<typeof createRegistryManifests>;

/** The base64 `user:password` of the docker config (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`) for a host. */
async function dockerConfigAuth(host: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const file = path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), ".docker"), "config.json");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const auths = (JSON.parse(text) as { auths?: Record<string, { auth?: string }> }).auths ?? {};
    const keys = host === DOCKER_HUB_API ? ["https://index.docker.io/v1/", "docker.io", "index.docker.io"] : [host];
    for (const [key, entry] of Object.entries(auths)) {
      const bare = key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
      if ((keys.includes(key) || keys.includes(bare)) && entry.auth) return entry.auth;
    }
  } catch {
    // An unreadable docker config gives no credentials, as for the docker CLI's anonymous pulls.
  }
  return undefined;
}
