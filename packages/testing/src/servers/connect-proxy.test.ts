import { once } from "node:events";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectProxy } from "./connect-proxy.js";
import type { TunnelProxy } from "./tunnel-proxy.js";

describe("startConnectProxy", () => {
  let proxy: TunnelProxy;
  const target = createServer((_request, response) => response.end("through"));
  let port: number;

  beforeAll(async () => {
    target.listen(0, "127.0.0.1");
    await once(target, "listening");
    port = (target.address() as AddressInfo).port;
    proxy = await startConnectProxy({ hosts: { "only-the-proxy.test": "127.0.0.1" } });
  });
  afterAll(async () => {
    await proxy.close();
    target.close();
  });

  /** Sends CONNECT to the proxy; resolves with its status (and, on 200, the tunnelled GET's body). */
  const tunnel = (authority: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body?: string }>((resolve, reject) => {
      const { port: proxyPort } = new URL(proxy.url);
      const connect = request({ port: proxyPort, host: "127.0.0.1", method: "CONNECT", path: authority, headers });
      connect.on("error", reject);
      connect.on("connect", (response, socket) => {
        if (response.statusCode !== 200) {
          socket.destroy();
          return resolve({ status: response.statusCode ?? 0 });
        }
        socket.write(`GET / HTTP/1.1\r\nhost: ${authority}\r\nconnection: close\r\n\r\n`);
        let text = "";
        socket.on("data", (chunk) => {
          text += chunk;
        });
        socket.on("end", () => resolve({ status: 200, body: text.split("\r\n\r\n")[1] ?? "" }));
      });
      connect.end();
    });

  it("tunnels to a host only it resolves, and records the tunnel with the proxy user (not the password)", async () => {
    const basic = `Basic ${Buffer.from("alice:secret").toString("base64")}`;
    expect(await tunnel(`only-the-proxy.test:${port}`, { "proxy-authorization": basic })).toEqual({
      status: 200,
      body: "through",
    });
    expect(proxy.tunnels.at(-1)).toEqual({ host: "only-the-proxy.test", port, user: "alice" });
  });

  it("answers 502 when the target cannot be reached, and 405 to anything but CONNECT", async () => {
    expect(await tunnel("127.0.0.1:1")).toEqual({ status: 502 });
    const response = await fetch(`${proxy.url}/`);
    expect(response.status).toBe(405);
  });
});
