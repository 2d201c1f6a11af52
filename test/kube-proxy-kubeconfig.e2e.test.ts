import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BuildContext, type ContainerRegistry, DefaultContainerRegistryFlavor, silentLogger } from "@flavorstack/core";
import type { KanikoImageBuilder } from "@flavorstack/kaniko";
import type { KubernetesDouble, KubernetesDoubleOptions } from "@flavorstack/testing";
import {
  manifestDigest,
  type RunningRegistry,
  startConnectProxy,
  startRegistry,
  type TunnelProxy,
} from "@flavorstack/testing/servers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startKanikoBuilder } from "./support/kaniko-builder.js";

/** The name the double's kubeconfig gives its API server behind a proxy: only the test's proxies resolve it. */
const PROXIED_NAME = "kubernetes-double.test";
const PROXY_VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"] as const;

/** Builds reach the double through proxies (kubeconfig and environment), and with kubeconfigs kubectl reads its way. */
describe("kaniko image builder → Kubernetes double: proxies and kubeconfig rules", () => {
  let registry: RunningRegistry;
  let containerRegistry: ContainerRegistry;
  let scratch: string;
  let context: BuildContext;
  const clusters: KubernetesDouble[] = [];
  const proxies: TunnelProxy[] = [];
  const savedEnvironment = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
  let builds = 0;

  beforeAll(async () => {
    registry = await startRegistry();
    containerRegistry = await DefaultContainerRegistryFlavor.createComponent({
      name: "registry",
      config: { uri: registry.hostPort },
    });
    scratch = await mkdtemp(path.join(tmpdir(), "flavorstack-kube-proxy-e2e-"));
    const root = path.join(scratch, "context");
    await mkdir(root);
    await writeFile(path.join(root, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
    await writeFile(path.join(root, "hello.txt"), "hello through a proxy\n");
    context = new BuildContext({ root, logger: silentLogger });
  });

  afterEach(async () => {
    for (const name of PROXY_VARIABLES) {
      if (savedEnvironment[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnvironment[name];
    }
    for (const cluster of clusters.splice(0)) await cluster.stop();
    for (const proxy of proxies.splice(0)) await proxy.close();
  });

  afterAll(async () => {
    await registry?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /**
   * A builder on a fresh double; `kubeconfig` rewrites the double's kubeconfig into the case's own directory (the
   * builder reads it at build time).
   */
  async function setup(
    doubleOptions: KubernetesDoubleOptions = {},
    kubeconfig?: (text: string, directory: string) => Promise<string> | string,
  ): Promise<{ cluster: KubernetesDouble; builder: KanikoImageBuilder }> {
    builds += 1;
    const directory = path.join(scratch, `case-${builds}`);
    await mkdir(directory);
    const kubeconfigPath = path.join(directory, "kubeconfig");
    const { cluster, builder } = await startKanikoBuilder(
      directory,
      doubleOptions,
      {},
      kubeconfig ? { kubeconfigPath } : {},
    );
    clusters.push(cluster);
    if (kubeconfig) await writeFile(kubeconfigPath, await kubeconfig(cluster.kubeconfig, directory));
    return { cluster, builder };
  }

  const build = (builder: KanikoImageBuilder, tag: string, signal?: AbortSignal) =>
    builder.build(`${registry.hostPort}/flavorstack/kube-proxy:${tag}`, context, { signal }, containerRegistry);

  const apiPort = (cluster: KubernetesDouble) => Number(new URL(cluster.url).port);

  it.each([
    ["http-connect", "http://"],
    ["socks5", "socks5://"],
  ] as const)(
    "builds through the cluster's %s proxy-url; the proxy's log shows every connection",
    async (kind, scheme) => {
      const { cluster, builder } = await setup({ proxy: kind });
      expect(cluster.kubeconfig).toContain(`proxy-url: "${scheme}127.0.0.1:`);
      const image = await build(builder, kind);
      expect(await manifestDigest(registry.hostPort, "flavorstack/kube-proxy", kind)).toBe(image.digest);
      const tunnels = cluster.proxy?.tunnels ?? [];
      expect(tunnels.length).toBeGreaterThan(0);
      expect(tunnels.every((tunnel) => tunnel.host === PROXIED_NAME && tunnel.port === apiPort(cluster))).toBe(true);
      expect(cluster.pods()).toEqual([]);
    },
  );

  it("a proxy-url whose proxy is down: a clear error, and no pod", async () => {
    const down = await startConnectProxy();
    await down.close();
    const { cluster, builder } = await setup({}, (text) =>
      text.replace("insecure-skip-tls-verify: true", `insecure-skip-tls-verify: true\n    proxy-url: "${down.url}"`),
    );
    await expect(build(builder, "proxy-down")).rejects.toThrow(
      `cannot connect through the proxy ${down.url}: connect ECONNREFUSED`,
    );
    expect(cluster.pods()).toEqual([]);
  });

  it("HTTP_PROXY carries a cluster without a proxy-url; a proxy-url still wins over it", async () => {
    const environmentProxy = await startConnectProxy({ hosts: { [PROXIED_NAME]: "127.0.0.1" } });
    proxies.push(environmentProxy);
    process.env.HTTP_PROXY = environmentProxy.url;
    const { cluster, builder } = await setup({}, (text) => text.replace("127.0.0.1", PROXIED_NAME));
    await build(builder, "http-proxy-env");
    expect(environmentProxy.tunnels.length).toBeGreaterThan(0);
    expect(environmentProxy.tunnels.every((tunnel) => tunnel.host === PROXIED_NAME)).toBe(true);
    expect(cluster.pods()).toEqual([]);

    const before = environmentProxy.tunnels.length;
    const { cluster: proxied, builder: viaProxyUrl } = await setup({ proxy: "socks5" });
    await build(viaProxyUrl, "proxy-url-wins");
    expect(proxied.proxy?.tunnels.length).toBeGreaterThan(0);
    expect(environmentProxy.tunnels.length).toBe(before);
    expect(proxied.pods()).toEqual([]);
  });

  it("NO_PROXY sends a listed host direct, as kubectl does", async () => {
    const environmentProxy = await startConnectProxy();
    proxies.push(environmentProxy);
    process.env.HTTP_PROXY = environmentProxy.url;
    // 0.0.0.0 reaches the double's 127.0.0.1 listener on Linux, yet is no loopback address by kubectl's rule
    // (loopback is never proxied): without NO_PROXY it goes through the proxy, with it directly.
    const unspecified = (text: string) => text.replace("127.0.0.1", "0.0.0.0");
    const { builder: proxiedBuilder } = await setup({}, unspecified);
    await build(proxiedBuilder, "no-proxy-control");
    expect(environmentProxy.tunnels.map((tunnel) => tunnel.host)).toContain("0.0.0.0");

    process.env.NO_PROXY = "example.com, 0.0.0.0/32";
    const before = environmentProxy.tunnels.length;
    const { cluster, builder } = await setup({}, unspecified);
    await build(builder, "no-proxy");
    expect(environmentProxy.tunnels.length).toBe(before);
    expect(cluster.pods()).toEqual([]);
  });

  /** An exec plugin that counts its runs in `runs` and prints a token (hangs instead when `hang` exists). */
  async function writePlugin(directory: string): Promise<{ runs: () => Promise<number>; pidFile: string }> {
    await mkdir(path.join(directory, "bin"));
    const runs = path.join(directory, "plugin.runs");
    const pidFile = path.join(directory, "plugin.pid");
    const plugin = path.join(directory, "bin", "credential-plugin");
    await writeFile(
      plugin,
      `#!${process.execPath}
import fs from "node:fs";
fs.appendFileSync(${JSON.stringify(runs)}, "x");
fs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
if (fs.existsSync(${JSON.stringify(path.join(directory, "hang"))})) setInterval(() => {}, 1000);
else process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: "exec-token" } }));
`,
    );
    await chmod(plugin, 0o755);
    return { runs: async () => (await readFile(runs, "utf8").catch(() => "")).length, pidFile };
  }
  const execUser = (text: string) =>
    text.replace(
      /token: "flavorstack-double-token"/,
      "exec: { apiVersion: client.authentication.k8s.io/v1, command: ./bin/credential-plugin }",
    );

  it("a relative exec-plugin command runs from the kubeconfig's directory; a 401 runs it again and retries once", async () => {
    let plugin: Awaited<ReturnType<typeof writePlugin>> | undefined;
    const { cluster, builder } = await setup(
      { faults: { apiErrors: [{ verb: "create", status: 401, times: 1, reason: "Unauthorized" }] } },
      async (text, directory) => {
        plugin = await writePlugin(directory);
        return execUser(text);
      },
    );
    await build(builder, "exec-refresh");
    expect(await plugin?.runs()).toBe(2);
    expect(cluster.pods()).toEqual([]);
  });

  it("a token-file relative to the kubeconfig is read from there", async () => {
    const { cluster, builder } = await setup({}, async (text, directory) => {
      await mkdir(path.join(directory, "secrets"));
      await writeFile(path.join(directory, "secrets", "token"), "file-token\n");
      return text.replace(/token: "flavorstack-double-token"/, "token-file: secrets/token");
    });
    await build(builder, "token-file");
    expect(cluster.pods()).toEqual([]);
  });

  it("aborting a build while the exec plugin waits (for a login) kills the plugin; no pod", async () => {
    let plugin: Awaited<ReturnType<typeof writePlugin>> | undefined;
    const { cluster, builder } = await setup({}, async (text, directory) => {
      plugin = await writePlugin(directory);
      await writeFile(path.join(directory, "hang"), "");
      return execUser(text);
    });
    const controller = new AbortController();
    const running = build(builder, "exec-abort", controller.signal).catch((error: unknown) => error);
    let pid = 0;
    for (let tries = 0; tries < 500 && !pid; tries++) {
      pid = Number(await readFile(plugin?.pidFile ?? "", "utf8").catch(() => "0"));
      await sleep(20);
    }
    expect(pid).toBeGreaterThan(0);
    controller.abort(new Error("the user gave up"));
    expect(await running).toMatchObject({
      message: `The build of ${registry.hostPort}/flavorstack/kube-proxy:exec-abort was aborted.`,
      cause: { message: "the user gave up" },
    });
    for (let tries = 0; tries < 100 && isAlive(pid); tries++) await sleep(20);
    expect(isAlive(pid)).toBe(false);
    expect(cluster.pods()).toEqual([]);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
