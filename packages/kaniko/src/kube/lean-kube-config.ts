import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Agent, OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import type { Cluster, Context, User } from "@kubernetes/client-node";
import type { Authenticator } from "@kubernetes/client-node/dist/auth.js";
import { newClusters, newContexts, newUsers } from "@kubernetes/client-node/dist/config_types.js";
import { load as parseYaml } from "js-yaml";
import { createExecCredentialSource, type ExecConfig, type ExecCredentialSource } from "./exec-credential.js";
import { http } from "./node-http.js";
import { createProxyAgent } from "./proxy-agent.js";
import { proxyFromEnvironment } from "./proxy-from-environment.js";
import { SERVICE_ACCOUNT_DIR } from "./service-account.js";
import { createTokenFile, TOKEN_FILE_PROVIDER, type TokenFile } from "./token-file.js";

/**
 * What the builder needs of a kubeconfig: client-node's `KubeConfig`
 * satisfies it, and so does {@link LeanKubeConfig}.
 */
export interface KubeConfigLike {
  getContexts(): Context[];
  getClusters(): Cluster[];
  getUsers(): User[];
  getCurrentContext(): string;
  getCurrentCluster(): Cluster | null;
  getCurrentUser(): User | null;
  /**
   * Sets TLS material, auth headers and an agent on request (or WebSocket) options. Aborting `signal` stops
   * waiting for a credential (and kills an exec plugin run for it alone).
   */
  applyToHTTPSOptions(options: https.RequestOptions, signal?: AbortSignal): Promise<void>;
  /**
   * Forgets the current user's cached credential after the API server refused it (HTTP 401), so the next request
   * gets a fresh one; false when there is nothing to refresh (a static token, a client certificate).
   */
  invalidateCredentials?(): boolean;
}

/**
 * A kubeconfig reader with client-node's semantics that does not load
 * client-node's `KubeConfig` module: that module imports every generated API
 * model (about 50 MiB of resident memory on Node 20), more than the builder's
 * whole memory budget. Entries are parsed and validated by client-node's own
 * `config_types`, and users authenticate through client-node's own
 * authenticators (exec plugins, token files, OIDC, GCP, Azure), loaded only
 * when a user needs one. Where kubectl and client-node differ, it follows
 * kubectl: exec plugins and token files are its own (see `createExecCredentialSource`,
 * `createTokenFile`), a cluster's TLS settings apply without a user, and a
 * cluster is reached through its `proxy-url` or else the `HTTPS_PROXY`/`NO_PROXY`
 * environment (see `proxyFromEnvironment`).
 */
export class LeanKubeConfig implements KubeConfigLike {
  #clusters: Cluster[] = [];
  #users: User[] = [];
  #contexts: Context[] = [];
  #currentContext = "";
  #authenticators: Promise<Authenticator[]> | undefined;
  readonly #agents = new Map<string, Promise<Agent>>();
  readonly #execSources = new Map<string, ExecCredentialSource>();
  readonly #tokenFiles = new Map<string, TokenFile>();

  static fromFiles(files: readonly string[]): LeanKubeConfig {
    const config = new LeanKubeConfig();
    for (const file of files) config.#merge(readKubeconfigFile(file));
    return config;
  }

  static fromString(text: string): LeanKubeConfig {
    const config = new LeanKubeConfig();
    config.#merge(parseKubeconfig(text, undefined));
    return config;
  }

  static fromEntries(entries: {
    clusters: Cluster[];
    users: User[];
    contexts: Context[];
    currentContext: string;
  }): LeanKubeConfig {
    const config = new LeanKubeConfig();
    config.#merge(entries);
    return config;
  }

  /** The service account of the pod this process runs in (`KUBERNETES_SERVICE_HOST`/`_PORT`). */
  static inCluster(root = SERVICE_ACCOUNT_DIR): LeanKubeConfig {
    const host = process.env.KUBERNETES_SERVICE_HOST ?? "";
    const port = process.env.KUBERNETES_SERVICE_PORT ?? "";
    const scheme = ["80", "8080", "8001"].includes(port) ? "http" : "https";
    const server = `${scheme}://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
    return LeanKubeConfig.fromEntries({
      clusters: [{ name: "inCluster", server, caFile: path.join(root, "ca.crt"), skipTLSVerify: false }],
      users: [
        {
          name: "inClusterUser",
          authProvider: { name: TOKEN_FILE_PROVIDER, config: { tokenFile: path.join(root, "token") } },
        },
      ],
      contexts: [{ name: "inClusterContext", cluster: "inCluster", user: "inClusterUser" }],
      currentContext: "inClusterContext",
    });
  }

  /** Later files add entries; the first definition of a name wins, as with kubectl. */
  #merge(entries: { clusters: Cluster[]; users: User[]; contexts: Context[]; currentContext: string }): void {
    const add = <T extends { name: string }>(into: T[], from: T[]) => {
      for (const entry of from) if (!into.some((known) => known.name === entry.name)) into.push(entry);
    };
    add(this.#clusters, entries.clusters);
    add(this.#users, entries.users);
    add(this.#contexts, entries.contexts);
    this.#currentContext ||= entries.currentContext;
  }

  /** The same entries with another current context. */
  withCurrentContext(name: string): LeanKubeConfig {
    return LeanKubeConfig.fromEntries({
      clusters: this.#clusters,
      users: this.#users,
      contexts: this.#contexts,
      currentContext: name,
    });
  }

  getContexts(): Context[] {
    return this.#contexts;
  }

  getClusters(): Cluster[] {
    return this.#clusters;
  }

  getUsers(): User[] {
    return this.#users;
  }

  getCurrentContext(): string {
    return this.#currentContext;
  }

  getCurrentCluster(): Cluster | null {
    const context = this.#contexts.find((entry) => entry.name === this.#currentContext);
    return (context && this.#clusters.find((entry) => entry.name === context.cluster)) ?? null;
  }

  getCurrentUser(): User | null {
    const context = this.#contexts.find((entry) => entry.name === this.#currentContext);
    return (context && this.#users.find((entry) => entry.name === context.user)) ?? null;
  }

  async applyToHTTPSOptions(options: https.RequestOptions, signal?: AbortSignal): Promise<void> {
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    if (!cluster) throw new Error(`the kubeconfig context '${this.#currentContext}' has no cluster`);
    // kubectl applies the cluster's TLS settings whether or not the context names a user (client-node does not).
    if (cluster.skipTLSVerify) options.rejectUnauthorized = false;
    if (cluster.tlsServerName) options.servername = cluster.tlsServerName;
    const ca = fileOrBase64(cluster.caFile, cluster.caData);
    if (ca) options.ca = ca;
    if (user) await this.#applyUser(user, options, signal);
    options.agent = await this.#agentFor(cluster, options);
  }

  invalidateCredentials(): boolean {
    const user = this.getCurrentUser();
    if (!user) return false;
    const tokenFile = this.#tokenFile(user);
    tokenFile?.invalidate();
    const exec = runsExecPlugin(user, tokenFile);
    if (exec) this.#execSource(user).invalidate();
    return Boolean(tokenFile || exec);
  }

  async #applyUser(user: User, options: https.RequestOptions, signal: AbortSignal | undefined): Promise<void> {
    const cert = fileOrBase64(user.certFile, user.certData);
    if (cert) options.cert = cert;
    const key = fileOrBase64(user.keyFile, user.keyData);
    if (key) options.key = key;
    options.headers ??= {};
    const headers = options.headers as OutgoingHttpHeaders;
    if (user.impersonateUser) headers["Impersonate-User"] = user.impersonateUser;
    const authenticator = await this.#authenticatorFor(user);
    if (authenticator) await authenticator.applyAuthentication(user, options);
    if (user.token) headers.Authorization = `Bearer ${user.token}`;
    if (user.username) options.auth = `${user.username}:${user.password}`;
    // As in client-go, a token file wins over a static token.
    const tokenFile = this.#tokenFile(user);
    if (tokenFile) headers.Authorization = `Bearer ${tokenFile.read()}`;
    if (runsExecPlugin(user, tokenFile)) {
      const credential = await this.#execSource(user).get(signal);
      if (credential.clientCertificateData) options.cert = credential.clientCertificateData;
      if (credential.clientKeyData) options.key = credential.clientKeyData;
      if (credential.token) headers.Authorization = `Bearer ${credential.token}`;
    }
  }

  /** One per user: it caches the credential until it expires. */
  #execSource(user: User): ExecCredentialSource {
    let source = this.#execSources.get(user.name);
    if (!source) {
      source = createExecCredentialSource(user.exec as ExecConfig);
      this.#execSources.set(user.name, source);
    }
    return source;
  }

  /** A `token-file` user's file (also the in-cluster service account token), read again when it changes. */
  #tokenFile(user: User): TokenFile | undefined {
    const file = user.authProvider?.name === TOKEN_FILE_PROVIDER ? user.authProvider.config?.tokenFile : undefined;
    if (typeof file !== "string") return undefined;
    let tokenFile = this.#tokenFiles.get(file);
    if (!tokenFile) {
      tokenFile = createTokenFile(file);
      this.#tokenFiles.set(file, tokenFile);
    }
    return tokenFile;
  }

  /**
   * One keep-alive agent per cluster and TLS material, so the build's calls
   * share connections instead of each paying a TCP and TLS handshake
   * (client-node makes a new agent per call). Idle sockets do not keep the
   * process alive (Node unrefs them). The cluster's `proxy-url` wins over the
   * environment's proxy, as with kubectl.
   */
  #agentFor(cluster: Cluster, options: https.RequestOptions): Promise<Agent> {
    const proxy = cluster.proxyUrl || proxyFromEnvironment(cluster.server);
    const fingerprint = createHash("sha256");
    const parts = [cluster.server, cluster.skipTLSVerify, options.servername, options.rejectUnauthorized, proxy];
    for (const part of parts) {
      fingerprint.update(`${String(part)}\0`);
    }
    for (const material of [options.ca, options.cert, options.key, options.pfx, options.passphrase]) {
      for (const piece of [material ?? "-"].flat()) {
        fingerprint
          .update(typeof piece === "string" || piece instanceof Uint8Array ? piece : String(piece))
          .update("\0");
      }
    }
    const key = fingerprint.digest("hex");
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = createAgent(cluster, options, proxy);
      this.#agents.set(key, agent);
      agent.catch(() => this.#agents.delete(key));
    }
    return agent;
  }

  /**
   * client-node's authenticator for a user with `exec` or `auth-provider`,
   * chosen as client-node chooses (the first whose `isAuthProvider` accepts
   * the user). The authenticators are created once per config: they cache tokens.
   */
  async #authenticatorFor(user: User): Promise<Authenticator | undefined> {
    if (user.exec || !user.authProvider || user.authProvider.name === TOKEN_FILE_PROVIDER) return undefined;
    this.#authenticators ??= loadAuthenticators();
    const found = (await this.#authenticators).find((candidate) => candidate.isAuthProvider(user));
    if (!found && !user.token && !user.certData && !user.certFile && !user.username) {
      throw new Error(
        `user '${user.name}' uses the auth provider '${user.authProvider?.name}', which is not supported; use an exec plugin (client.authentication.k8s.io) instead`,
      );
    }
    return found;
  }
}

/**
 * client-go's rule: an exec plugin runs only for a user with no token, token file, password or client certificate
 * ("kubectl --token" means that token).
 */
function runsExecPlugin(user: User, tokenFile: TokenFile | undefined): boolean {
  return Boolean(user.exec && !user.token && !tokenFile && !user.username && !user.certFile && !user.certData);
}

/**
 * client-node's authenticators for auth providers (and the legacy `auth-provider: exec`), in client-node's order,
 * imported on first need (they are small). `exec` users and token files are this module's own.
 */
export async function loadAuthenticators(): Promise<Authenticator[]> {
  const [azure, gcp, exec, oidc] = await Promise.all([
    import("@kubernetes/client-node/dist/azure_auth.js"),
    import("@kubernetes/client-node/dist/gcp_auth.js"),
    import("@kubernetes/client-node/dist/exec_auth.js"),
    import("@kubernetes/client-node/dist/oidc_auth.js"),
  ]);
  return [new azure.AzureAuth(), new gcp.GoogleCloudPlatformAuth(), new exec.ExecAuth(), new oidc.OpenIDConnectAuth()];
}

/** client-node's rule: plain HTTP only with insecure-skip-tls-verify (local test clusters). */
async function createAgent(cluster: Cluster, options: https.RequestOptions, proxy: string | undefined): Promise<Agent> {
  const agentOptions: https.AgentOptions = {
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    pfx: options.pfx,
    passphrase: options.passphrase,
    servername: options.servername,
    keepAlive: true,
  };
  if (options.rejectUnauthorized !== undefined) agentOptions.rejectUnauthorized = options.rejectUnauthorized;
  if (cluster.server.startsWith("http:")) {
    if (!cluster.skipTLSVerify) {
      throw new Error(
        `cluster '${cluster.name}' is served over plain HTTP (${cluster.server}), which is refused unless the kubeconfig sets insecure-skip-tls-verify: true for it`,
      );
    }
    return proxy ? createProxyAgent(proxy, cluster.server, agentOptions) : new http.Agent(agentOptions);
  }
  return proxy ? createProxyAgent(proxy, cluster.server, agentOptions) : new https.Agent(agentOptions);
}

function readKubeconfigFile(file: string) {
  return parseKubeconfig(readFileSync(file, "utf8"), path.dirname(file));
}

function parseKubeconfig(text: string, directory: string | undefined) {
  let document: Record<string, unknown>;
  try {
    document = (parseYaml(text) ?? {}) as Record<string, unknown>;
  } catch (error) {
    // js-yaml quotes the lines around the mistake, which may hold a token or key: give the position only.
    const { reason, mark } = error as { reason?: string; mark?: { line: number; column: number } };
    throw new Error(
      `invalid YAML${reason ? `: ${reason}` : ""}${mark ? ` at line ${mark.line + 1}, column ${mark.column + 1}` : ""}`,
    );
  }
  if (typeof document !== "object" || Array.isArray(document)) throw new Error("the kubeconfig is not a YAML mapping");
  // Relative file references are relative to the kubeconfig's own directory, as with kubectl.
  const absolute = (file: string) => (directory && !path.isAbsolute(file) ? path.join(directory, file) : file);
  const tokenFiles = takeTokenFiles(document.users);
  const clusters = newClusters(document.clusters);
  const users = newUsers(document.users);
  for (const cluster of clusters) if (cluster.caFile) cluster.caFile = absolute(cluster.caFile);
  for (const user of users) {
    if (user.certFile) user.certFile = absolute(user.certFile);
    if (user.keyFile) user.keyFile = absolute(user.keyFile);
    const tokenFile = tokenFiles.get(user.name);
    if (tokenFile && !user.authProvider && !user.exec) {
      Object.assign(user, { authProvider: { name: TOKEN_FILE_PROVIDER, config: { tokenFile: absolute(tokenFile) } } });
    }
    // kubectl's rule: a command with a path separator is a path relative to the kubeconfig; a bare name is on PATH.
    const command = (user.exec as ExecConfig | undefined)?.command;
    if (typeof command === "string" && command.includes(path.sep))
      (user.exec as ExecConfig).command = absolute(command);
  }
  const current = document["current-context"];
  return {
    clusters,
    users,
    contexts: newContexts(document.contexts),
    currentContext: typeof current === "string" ? current : "",
  };
}

/**
 * Removes each user's `token-file` from the parsed document before client-node's `newUsers` reads it (relative to
 * the working directory, once); returns them by user name.
 */
function takeTokenFiles(users: unknown): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of Array.isArray(users) ? users : []) {
    const user = (entry as { name?: unknown; user?: Record<string, unknown> } | null)?.user;
    const file = user?.["token-file"];
    if (typeof file !== "string" || typeof entry.name !== "string") continue;
    found.set(entry.name, file);
    delete user?.["token-file"];
  }
  return found;
}

function fileOrBase64(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, "base64");
  return undefined;
}
