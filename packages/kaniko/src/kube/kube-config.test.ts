import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "@flavorstack/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadClientNode } from "./client-node.js";
import { kubeConfigSecrets, loadKubeConfig } from "./kube-config.js";

const yaml = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: { server: "https://a.example.com" }
- name: b
  cluster: { server: "https://b.example.com" }
users:
- name: u
  user: { token: "secret-token-value" }
contexts:
- name: alpha
  context: { cluster: a, user: u }
- name: beta
  context: { cluster: b, user: u }
- name: broken
  context: { cluster: missing, user: u }
current-context: alpha
`;

describe("loadKubeConfig", () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "kaniko-kubeconfig-"));
    file = path.join(dir, "config");
    await writeFile(file, yaml);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("selects the configured context in a private copy", async () => {
    const k8s = await loadClientNode();
    const original = new k8s.KubeConfig();
    original.loadFromFile(file);
    const config = await loadKubeConfig({ source: original, context: "beta" });
    expect(config.getCurrentCluster()?.server).toBe("https://b.example.com");
    expect(original.getCurrentContext()).toBe("alpha");
    expect(kubeConfigSecrets(config)).toEqual(["secret-token-value"]);
  });

  it("counts the client key (as written and decoded) and the basic-auth password among the user's secrets", async () => {
    const k8s = await loadClientNode();
    const keyPem = "-----BEGIN PRIVATE KEY-----\nclient-key-body\n-----END PRIVATE KEY-----\n";
    const keyData = Buffer.from(keyPem).toString("base64");
    const config = new k8s.KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: "c", server: "https://c.example.com" }],
      users: [{ name: "u", keyData, username: "admin", password: "basic-auth-password" }],
      contexts: [{ name: "ctx", cluster: "c", user: "u" }],
      currentContext: "ctx",
    });
    expect(kubeConfigSecrets(await loadKubeConfig({ source: config, context: "ctx" }))).toEqual([
      "basic-auth-password",
      keyData,
      keyPem,
    ]);
  });

  it("reads a kubeconfig file or a factory", async () => {
    const k8s = await loadClientNode();
    expect((await loadKubeConfig({ kubeconfigPath: file, context: "alpha" })).getCurrentCluster()?.name).toBe("a");
    const factory = async () => {
      const config = new k8s.KubeConfig();
      config.loadFromString(yaml);
      return config;
    };
    expect((await loadKubeConfig({ source: factory, context: "beta" })).getCurrentContext()).toBe("beta");
  });

  it("lists the known contexts when the configured one is missing", async () => {
    const load = loadKubeConfig({ kubeconfigPath: file, context: "prod" });
    await expect(load).rejects.toThrow(ConfigError);
    await expect(load).rejects.toThrow(
      `Kubernetes context 'prod' is not in ${file}; the available contexts are: alpha, beta, broken.`,
    );
  });

  it("explains a context whose cluster is not defined", async () => {
    await expect(loadKubeConfig({ kubeconfigPath: file, context: "broken" })).rejects.toThrow(
      /names a cluster that is not defined/,
    );
  });

  it("skips KUBECONFIG entries that do not exist, as kubectl does, and says when none does", async () => {
    const saved = process.env.KUBECONFIG;
    const missing = path.join(dir, "missing.yaml");
    process.env.KUBECONFIG = [missing, file].join(path.delimiter);
    try {
      expect((await loadKubeConfig({ context: "alpha" })).getCurrentCluster()?.name).toBe("a");
      process.env.KUBECONFIG = missing;
      await expect(loadKubeConfig({ context: "alpha" })).rejects.toThrow(
        `None of the files in KUBECONFIG (${missing}) exists.`,
      );
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it("uses a kubeconfig-shaped object as given when its context is the one wanted, and refuses to guess otherwise", async () => {
    const own = {
      getContexts: () => [{ name: "mine", cluster: "c", user: "u" }],
      getClusters: () => [{ name: "c", server: "https://k8s.example.com", skipTLSVerify: false }],
      getUsers: () => [{ name: "u" }],
      getCurrentContext: () => "mine",
      getCurrentCluster: () => ({ name: "c", server: "https://k8s.example.com", skipTLSVerify: false }),
      getCurrentUser: () => ({ name: "u" }),
      applyToHTTPSOptions: async () => {},
    };
    expect(await loadKubeConfig({ source: own, context: "mine" })).toBe(own);
    await expect(
      loadKubeConfig({ source: { ...own, getCurrentContext: () => "other" }, context: "mine" }),
    ).rejects.toThrow("has current context 'other', not 'mine', and no setCurrentContext() to switch it");
  });

  it("counts a proxy-url's password as a secret, and a token file's path as none", async () => {
    const { LeanKubeConfig } = await import("./lean-kube-config.js");
    const config =
      LeanKubeConfig.fromString(`clusters: [{ name: c, cluster: { server: "https://k8s.example.com", proxy-url: "http://me:p%40ss@proxy:3128" } }]
users: [{ name: u, user: { token-file: /var/run/token } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);
    expect(kubeConfigSecrets(config)).toEqual(["p@ss"]);
  });

  it("reads KUBECONFIG by default", async () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      expect((await loadKubeConfig({ context: "beta" })).getCurrentCluster()?.name).toBe("b");
      await expect(loadKubeConfig({ context: "nope" })).rejects.toThrow(`is not in KUBECONFIG (${file})`);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });
});
