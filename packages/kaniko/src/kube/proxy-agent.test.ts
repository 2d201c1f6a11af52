import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { startConnectProxy, startSocks5Proxy, type TunnelProxy } from "@flavorstack/testing/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubeApi } from "./kube-api.js";
import { LeanKubeConfig } from "./lean-kube-config.js";

/** The name in the server's certificate; only the test's proxies resolve it (to 127.0.0.1). */
const SERVER_NAME = "api.kube.test";

describe("LeanKubeConfig through real proxies, to a TLS API server", () => {
  let dir: string;
  let server: Server;
  let port: number;
  let connect: TunnelProxy;
  let socks: TunnelProxy;
  const seen: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "kaniko-proxy-agent-"));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${SERVER_NAME}`].concat([
        "-addext",
        `subjectAltName=DNS:${SERVER_NAME}`,
        "-keyout",
        "key.pem",
        "-out",
        "cert.pem",
      ]),
      { cwd: dir, stdio: "ignore" },
    );
    server = createServer({
      key: await readFile(path.join(dir, "key.pem")),
      cert: await readFile(path.join(dir, "cert.pem")),
    });
    server.on("request", (request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? "-"}`);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ kind: "Namespace", metadata: { name: "default" } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    connect = await startConnectProxy({ hosts: { [SERVER_NAME]: "127.0.0.1" } });
    socks = await startSocks5Proxy({ hosts: { [SERVER_NAME]: "127.0.0.1" } });
  });
  afterAll(async () => {
    await connect?.close();
    await socks?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** A kubeconfig with the server's CA and no user at all: kubectl still applies the cluster's CA. */
  const kubeconfig = (server: string, extra = "") =>
    LeanKubeConfig.fromString(`clusters:
- name: c
  cluster: { server: "${server}", certificate-authority: ${path.join(dir, "cert.pem")}${extra} }
contexts: [{ name: x, context: { cluster: c } }]
current-context: x
`);

  it.each([
    ["http", () => connect],
    ["socks5", () => socks],
  ])("reaches the server through a %s proxy-url, which resolves the server's name", async (_kind, proxy) => {
    const before = proxy().tunnels.length;
    const config = kubeconfig(`https://${SERVER_NAME}:${port}`, `, proxy-url: "${proxy().url}"`);
    const api = createKubeApi(config);
    expect(await api.request("GET", "/api/v1/namespaces/default")).toMatchObject({ kind: "Namespace" });
    expect(proxy().tunnels.slice(before)).toEqual([{ host: SERVER_NAME, port }]);
  });

  it("applies the cluster's CA and tls-server-name without a user (kubectl does; client-node does not)", async () => {
    const config = kubeconfig(`https://127.0.0.1:${port}`, `, tls-server-name: ${SERVER_NAME}`);
    expect(await createKubeApi(config).request("GET", "/api/v1/namespaces/default")).toMatchObject({
      kind: "Namespace",
    });
    const without = kubeconfig(`https://127.0.0.1:${port}`);
    await expect(createKubeApi(without).request("GET", "/api/v1/namespaces/default")).rejects.toThrow(
      /does not match certificate's altnames|IP: 127.0.0.1 is not in the cert's list/,
    );
  });

  it("uses HTTPS_PROXY when the cluster has no proxy-url, and not for a NO_PROXY host; proxy-url wins", async () => {
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
    try {
      process.env.HTTPS_PROXY = connect.url;
      delete process.env.NO_PROXY;
      const viaEnvironment = connect.tunnels.length;
      await createKubeApi(kubeconfig(`https://${SERVER_NAME}:${port}`)).request("GET", "/version");
      expect(connect.tunnels.slice(viaEnvironment)).toEqual([{ host: SERVER_NAME, port }]);

      const viaSocks = socks.tunnels.length;
      const proxied = kubeconfig(`https://${SERVER_NAME}:${port}`, `, proxy-url: "${socks.url}"`);
      await createKubeApi(proxied).request("GET", "/version");
      expect(socks.tunnels.slice(viaSocks)).toHaveLength(1);
      expect(connect.tunnels.slice(viaEnvironment)).toHaveLength(1);

      process.env.NO_PROXY = `.kube.test,${SERVER_NAME}`;
      // Bypassing the proxy, the name does not resolve: the error shows the request went direct.
      await expect(
        createKubeApi(kubeconfig(`https://${SERVER_NAME}:${port}`)).request("GET", "/version"),
      ).rejects.toThrow(/ENOTFOUND|EAI_AGAIN/);
      expect(connect.tunnels.slice(viaEnvironment)).toHaveLength(1);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it("names the proxy (without its password) when it cannot be reached or refuses the tunnel", async () => {
    const down = await startSocks5Proxy();
    await down.close();
    const socksDown = kubeconfig(
      `https://${SERVER_NAME}:${port}`,
      `, proxy-url: "socks5://me:pw@${down.url.slice(9)}"`,
    );
    await expect(createKubeApi(socksDown).request("GET", "/version")).rejects.toThrow(
      `cannot connect through the proxy socks5://***@${down.url.slice(9)}: connect ECONNREFUSED`,
    );
    // The CONNECT proxy cannot reach this port: it answers 502.
    const unreachable = kubeconfig(`https://${SERVER_NAME}:1`, `, proxy-url: "${connect.url}"`);
    await expect(createKubeApi(unreachable).request("GET", "/version")).rejects.toThrow(
      `cannot connect through the proxy ${connect.url}: Bad response: 502`,
    );
  });

  it("refuses a proxy-url scheme kubectl does not know, naming it without its password", async () => {
    const config = kubeconfig(`https://${SERVER_NAME}:${port}`, `, proxy-url: "ftp://user:secret@proxy:21"`);
    const error = await createKubeApi(config)
      .request("GET", "/version")
      .catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      "the proxy URL 'ftp://***@proxy:21' has scheme 'ftp'; use http, https or socks5",
    );
  });
});
