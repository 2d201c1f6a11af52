import { once } from "node:events";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSocks5Proxy } from "./socks5-proxy.js";
import type { TunnelProxy } from "./tunnel-proxy.js";

describe("startSocks5Proxy", () => {
  let proxy: TunnelProxy;
  const target = createServer((_request, response) => response.end("through"));
  let port: number;

  beforeAll(async () => {
    target.listen(0, "127.0.0.1");
    await once(target, "listening");
    port = (target.address() as AddressInfo).port;
    proxy = await startSocks5Proxy({ hosts: { "only-the-proxy.test": "127.0.0.1" } });
  });
  afterAll(async () => {
    await proxy.close();
    target.close();
  });

  /** A SOCKS5 CONNECT to `host:targetPort` by name (RFC 1928, no authentication); resolves with the reply code. */
  const socksConnect = async (host: string, targetPort: number) => {
    const socket = connect({ host: "127.0.0.1", port: Number(new URL(proxy.url).port) });
    await once(socket, "connect");
    const next = async () => ((await once(socket, "data")) as [Buffer])[0];
    socket.write(Buffer.from([5, 1, 0]));
    expect([...(await next())]).toEqual([5, 0]);
    const name = Buffer.from(host);
    socket.write(
      Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, Buffer.from([targetPort >> 8, targetPort & 255])]),
    );
    const reply = await next();
    return { socket, code: reply[1] };
  };

  it("connects by name through a host only it resolves, and records the tunnel", async () => {
    const { socket, code } = await socksConnect("only-the-proxy.test", port);
    expect(code).toBe(0);
    socket.write("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    let text = "";
    for await (const chunk of socket) text += chunk;
    expect(text.split("\r\n\r\n")[1]).toBe("through");
    expect(proxy.tunnels.at(-1)).toEqual({ host: "only-the-proxy.test", port });
  });

  it("answers host unreachable (4) when the target refuses", async () => {
    const { socket, code } = await socksConnect("127.0.0.1", 1);
    expect(code).toBe(4);
    socket.destroy();
  });
});
