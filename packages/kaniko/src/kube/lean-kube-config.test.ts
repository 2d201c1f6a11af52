import { once } from "node:events";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { RequestOptions } from "node:https";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadClientNode } from "./client-node.js";
import { createKubeApi, KubeApiError } from "./kube-api.js";
import { loadKubeConfig } from "./kube-config.js";
import { LeanKubeConfig, loadAuthenticators } from "./lean-kube-config.js";

const CA = Buffer.from("-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n");

describe("LeanKubeConfig", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "kaniko-lean-kubeconfig-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const applied = async (config: LeanKubeConfig): Promise<RequestOptions> => {
    const options: RequestOptions = {};
    await config.applyToHTTPSOptions(options);
    return options;
  };

  it("resolves relative file references against the kubeconfig's directory and reads them", async () => {
    await mkdir(path.join(dir, "certs"), { recursive: true });
    await writeFile(path.join(dir, "certs", "ca.crt"), CA);
    const file = path.join(dir, "relative.yaml");
    await writeFile(
      file,
      `clusters:
- name: c
  cluster: { server: "https://k8s.example.com:6443/", certificate-authority: certs/ca.crt, tls-server-name: api.internal }
users:
- name: u
  user: { token: "t0ken", as: ignored }
contexts:
- name: ctx
  context: { cluster: c, user: u }
current-context: ctx
`,
    );
    const config = LeanKubeConfig.fromFiles([file]);
    expect(config.getCurrentCluster()).toMatchObject({
      server: "https://k8s.example.com:6443",
      caFile: path.join(dir, "certs", "ca.crt"),
    });
    const options = await applied(config);
    expect(options.ca).toEqual(CA);
    expect(options.servername).toBe("api.internal");
    expect(options.headers).toMatchObject({ Authorization: "Bearer t0ken" });
    expect(options.agent).toBeInstanceOf(https.Agent);
  });

  it("merges KUBECONFIG-style file lists with the first definition of a name winning", async () => {
    const first = path.join(dir, "first.yaml");
    const second = path.join(dir, "second.yaml");
    await writeFile(
      first,
      `clusters: [{ name: shared, cluster: { server: "https://one.example.com" } }]
users: [{ name: u, user: { username: admin, password: s3cret } }]
contexts: [{ name: one, context: { cluster: shared, user: u } }]
current-context: one
`,
    );
    await writeFile(
      second,
      `clusters:
- { name: shared, cluster: { server: "https://shadowed.example.com" } }
- { name: other, cluster: { server: "https://two.example.com", certificate-authority-data: ${CA.toString("base64")} } }
users: [{ name: u, user: { token: shadowed } }]
contexts: [{ name: two, context: { cluster: other, user: u } }]
current-context: two
`,
    );
    const config = LeanKubeConfig.fromFiles([first, second]);
    expect(config.getCurrentContext()).toBe("one");
    expect(config.getContexts().map((context) => context.name)).toEqual(["one", "two"]);
    expect(config.getCurrentCluster()?.server).toBe("https://one.example.com");
    const two = config.withCurrentContext("two");
    expect(two.getCurrentCluster()?.server).toBe("https://two.example.com");
    const options = await applied(two);
    expect(options.auth).toBe("admin:s3cret");
    expect(options.ca).toEqual(CA);
  });

  it("shares one keep-alive agent per cluster and TLS material", async () => {
    const config = LeanKubeConfig.fromString(`clusters:
- { name: a, cluster: { server: "https://a.example.com", certificate-authority-data: ${CA.toString("base64")} } }
- { name: b, cluster: { server: "https://b.example.com" } }
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: a, user: u } }, { name: y, context: { cluster: b, user: u } }]
current-context: x
`);
    const first = (await applied(config)).agent as https.Agent;
    expect((first as https.Agent & { keepAlive: boolean }).keepAlive).toBe(true);
    expect((await applied(config)).agent).toBe(first);
    expect((await applied(config.withCurrentContext("y"))).agent).not.toBe(first);
  });

  it("allows plain HTTP only with insecure-skip-tls-verify, and says so", async () => {
    const insecure =
      LeanKubeConfig.fromString(`clusters: [{ name: c, cluster: { server: "http://127.0.0.1:1", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: {} }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);
    const options = await applied(insecure);
    expect(options.rejectUnauthorized).toBe(false);
    expect(options.agent).toBeInstanceOf(http.Agent);
    const plain = LeanKubeConfig.fromString(`clusters: [{ name: c, cluster: { server: "http://127.0.0.1:1" } }]
users: [{ name: u, user: {} }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);
    await expect(applied(plain)).rejects.toThrow(
      "cluster 'c' is served over plain HTTP (http://127.0.0.1:1), which is refused unless the kubeconfig sets insecure-skip-tls-verify: true for it",
    );
  });

  it("runs an exec plugin with the user's env and KUBERNETES_EXEC_INFO", async () => {
    const plugin = path.join(dir, "credential-plugin.mjs");
    await writeFile(
      plugin,
      `const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);\nprocess.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: "from-exec-" + process.env.PLUGIN_SUFFIX + "-" + info.spec.interactive } }));\n`,
    );
    const config = LeanKubeConfig.fromString(`clusters: [{ name: c, cluster: { server: "https://k8s.example.com" } }]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${JSON.stringify(process.execPath)}
      args: [${JSON.stringify(plugin)}]
      env: [{ name: PLUGIN_SUFFIX, value: ok }]
      interactiveMode: Never
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);
    const options = await applied(config);
    expect(options.headers).toMatchObject({ Authorization: "Bearer from-exec-ok-false" });
  });

  it("reads the in-cluster service account token from its file", async () => {
    const root = path.join(dir, "serviceaccount");
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, "token"), "sa-token");
    await writeFile(path.join(root, "ca.crt"), CA);
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = "fd00::1";
    process.env.KUBERNETES_SERVICE_PORT = "443";
    try {
      const config = LeanKubeConfig.inCluster(root);
      expect(config.getCurrentCluster()?.server).toBe("https://[fd00::1]:443");
      const options = await applied(config);
      expect(options.headers).toMatchObject({ Authorization: "Bearer sa-token" });
      expect(options.ca).toEqual(CA);
    } finally {
      for (const [key, value] of [
        ["KUBERNETES_SERVICE_HOST", saved.host],
        ["KUBERNETES_SERVICE_PORT", saved.port],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it("finds each client-node path it imports past the package's index (2.0.x has no exports map)", async () => {
    // The authenticators and newClusters/newContexts/newUsers are not exported by client-node's index: these are
    // the deep paths lean-kube-config.ts imports, checked here so a release that moves them fails this test.
    const deep = {
      "@kubernetes/client-node/dist/config_types.js": ["newClusters", "newContexts", "newUsers"],
      "@kubernetes/client-node/dist/azure_auth.js": ["AzureAuth"],
      "@kubernetes/client-node/dist/gcp_auth.js": ["GoogleCloudPlatformAuth"],
      "@kubernetes/client-node/dist/exec_auth.js": ["ExecAuth"],
      "@kubernetes/client-node/dist/oidc_auth.js": ["OpenIDConnectAuth"],
    };
    for (const [specifier, names] of Object.entries(deep)) {
      const module = (await import(specifier)) as Record<string, unknown>;
      for (const name of names) expect(typeof module[name], `${specifier} exports ${name}`).toBe("function");
    }
  });

  it("finds every client-node authenticator it imports by path, as client-node would choose", async () => {
    const authenticators = await loadAuthenticators();
    const users = [
      { name: "exec", authProvider: { name: "exec", config: { exec: { command: "true" } } } },
      { name: "oidc", authProvider: { name: "oidc", config: {} } },
      { name: "gcp", authProvider: { name: "gcp", config: {} } },
      { name: "azure", authProvider: { name: "azure", config: {} } },
    ];
    const chosen = users.map(
      (user) => authenticators.find((candidate) => candidate.isAuthProvider(user))?.constructor.name,
    );
    expect(chosen).toEqual(["ExecAuth", "OpenIDConnectAuth", "GoogleCloudPlatformAuth", "AzureAuth"]);
  });

  it("reports a YAML mistake by position, without quoting the file's secrets", () => {
    const broken = `users:\n- name: u\n  user:\n    token: super-secret-token\n   bad: [\n`;
    let message = "";
    try {
      LeanKubeConfig.fromString(broken);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid YAML: .+ at line \d+, column \d+$/);
    expect(message).not.toContain("super-secret-token");
  });

  it("goes on with a static token when no authenticator takes the user's auth provider (as client-node does)", async () => {
    const config = LeanKubeConfig.fromString(`clusters: [{ name: c, cluster: { server: "https://k8s.example.com" } }]
users: [{ name: u, user: { token: static-token, auth-provider: { name: keystone, config: {} } } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);
    expect((await applied(config)).headers).toMatchObject({ Authorization: "Bearer static-token" });
  });

  it("names an auth provider it cannot serve", async () => {
    const config = LeanKubeConfig.fromString(`clusters: [{ name: c, cluster: { server: "https://k8s.example.com" } }]
users: [{ name: u, user: { auth-provider: { name: keystone, config: {} } } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);
    await expect(applied(config)).rejects.toThrow(
      "user 'u' uses the auth provider 'keystone', which is not supported; use an exec plugin (client.authentication.k8s.io) instead",
    );
  });
});

describe("loadKubeConfig: proxies and given KubeConfig objects", () => {
  it("keeps a proxied cluster lean: its agent goes through the proxy-url", async () => {
    const config = await loadKubeConfig({
      source:
        LeanKubeConfig.fromString(`clusters: [{ name: c, cluster: { server: "https://k8s.example.com", proxy-url: "http://proxy.example.com:3128" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: ""
`),
      context: "x",
    });
    expect(config).toBeInstanceOf(LeanKubeConfig);
    const options: RequestOptions = {};
    await config.applyToHTTPSOptions(options);
    expect(options.agent?.constructor.name).toBe("HttpsProxyAgent");
  });

  it("uses a given KubeConfig through a view, keeping its custom authenticators and its own current context", async () => {
    const k8s = await loadClientNode();
    const original = new k8s.KubeConfig();
    original.loadFromString(`clusters: [{ name: c, cluster: { server: "https://k8s.example.com" } }]
users: [{ name: u, user: { auth-provider: { name: custom } } }]
contexts: [{ name: a, context: { cluster: c, user: u } }, { name: b, context: { cluster: c, user: u } }]
current-context: a
`);
    original.addAuthenticator({
      isAuthProvider: (user) => user.authProvider?.name === "custom",
      applyAuthentication: async (_user, options) => {
        options.headers = { ...options.headers, Authorization: "Custom yes" };
      },
    });
    const config = await loadKubeConfig({ source: original, context: "b" });
    expect(config.getCurrentContext()).toBe("b");
    expect(original.getCurrentContext()).toBe("a");
    const options: RequestOptions = {};
    await config.applyToHTTPSOptions(options);
    expect(options.headers).toMatchObject({ Authorization: "Custom yes" });
  });
});

describe("LeanKubeConfig: where kubectl and client-node differ, as kubectl", () => {
  let dir: string;
  let server: http.Server;
  let url: string;
  /** The bearer tokens the server accepts; every request's Authorization is recorded. */
  const accepted = new Set<string>();
  const seen: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "kaniko-kubectl-rules-"));
    server = http.createServer((request, response) => {
      const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
      seen.push(token);
      const ok = accepted.has(token);
      response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      response.end(JSON.stringify(ok ? { kind: "Namespace" } : { kind: "Status", code: 401, reason: "Unauthorized" }));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, user: string) => {
    await mkdir(path.join(dir, name), { recursive: true });
    const file = path.join(dir, name, "kubeconfig");
    await writeFile(
      file,
      `clusters: [{ name: c, cluster: { server: "${url}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: ${user} }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
    );
    return LeanKubeConfig.fromFiles([file]);
  };
  const get = (config: LeanKubeConfig) => createKubeApi(config).request("GET", "/api/v1/namespaces/default");

  it("reads a relative token-file next to the kubeconfig, again when it changes, and after a 401", async () => {
    const config = await write("token-file", "{ token-file: secrets/token }");
    const tokenFile = path.join(dir, "token-file", "secrets", "token");
    await mkdir(path.dirname(tokenFile));
    await writeFile(tokenFile, "token-one\n");
    accepted.add("token-one");
    seen.length = 0;
    await get(config);
    await rm(tokenFile);
    await writeFile(tokenFile, "token-two-rotated\n");
    accepted.add("token-two-rotated");
    await get(config);
    expect(seen).toEqual(["token-one", "token-two-rotated"]);
  });

  it("resolves an exec command with a path separator against the kubeconfig's directory", async () => {
    await mkdir(path.join(dir, "relative-exec", "bin"), { recursive: true });
    const plugin = path.join(dir, "relative-exec", "bin", "credential");
    await writeFile(
      plugin,
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"relative-plugin"}}'\n`,
    );
    await chmod(plugin, 0o755);
    accepted.add("relative-plugin");
    const config = await write(
      "relative-exec",
      "{ exec: { apiVersion: client.authentication.k8s.io/v1, command: ./bin/credential } }",
    );
    expect(config.getCurrentUser()?.exec?.command).toBe(plugin);
    await get(config);
    // A bare name is looked up on PATH, as kubectl does: it stays as written.
    const bare = await write(
      "bare-exec",
      "{ exec: { apiVersion: client.authentication.k8s.io/v1, command: gke-auth } }",
    );
    expect(bare.getCurrentUser()?.exec?.command).toBe("gke-auth");
  });

  it("on a 401 runs the exec plugin again and retries once; a second 401 is the caller's error", async () => {
    const runs = path.join(dir, "refresh.runs");
    const plugin = path.join(dir, "refresh.mjs");
    await writeFile(
      plugin,
      `import { appendFileSync, readFileSync } from "node:fs";
appendFileSync(${JSON.stringify(runs)}, "x");
const run = readFileSync(${JSON.stringify(runs)}, "utf8").length;
process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: "exec-" + run } }));
`,
    );
    const config = await write(
      "refresh",
      `{ exec: { apiVersion: client.authentication.k8s.io/v1, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(plugin)}] } }`,
    );
    accepted.add("exec-2");
    seen.length = 0;
    expect(await get(config)).toEqual({ kind: "Namespace" });
    expect(seen).toEqual(["exec-1", "exec-2"]);
    seen.length = 0;
    accepted.delete("exec-2");
    const error = await get(config).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).code).toBe(401);
    expect(seen).toEqual(["exec-2", "exec-3"]);
  });

  it("does not retry a 401 for a static token: there is nothing to refresh", async () => {
    const config = await write("static", "{ token: refused-static }");
    seen.length = 0;
    await expect(get(config)).rejects.toBeInstanceOf(KubeApiError);
    expect(seen).toEqual(["refused-static"]);
  });

  it("runs no exec plugin for a user that also has a token (kubectl: the token is meant)", async () => {
    accepted.add("explicit");
    const config = await write("token-and-exec", "{ token: explicit, exec: { command: /nonexistent/plugin } }");
    seen.length = 0;
    await get(config);
    expect(seen).toEqual(["explicit"]);
    // A 401 for it is not retried either: the exec plugin is not the credential in use.
    accepted.delete("explicit");
    seen.length = 0;
    await expect(get(config)).rejects.toBeInstanceOf(KubeApiError);
    expect(seen).toEqual(["explicit"]);
  });
});
