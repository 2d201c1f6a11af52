import { once } from "node:events";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import type { Duplex } from "node:stream";
import { splice, type TunnelProxy, type TunnelProxyOptions, type TunnelRecord } from "./tunnel-proxy.js";

/**
 * Starts an HTTP proxy on 127.0.0.1 that serves `CONNECT host:port` only (what kubectl and the kaniko builder
 * send for a cluster behind an `http://` proxy-url or `HTTPS_PROXY`): it answers 200, then passes bytes both ways.
 * Any other request gets 405. A `Proxy-Authorization: Basic` user is recorded (never its password).
 */
export async function startConnectProxy(options: TunnelProxyOptions = {}): Promise<TunnelProxy> {
  const tunnels: TunnelRecord[] = [];
  const open = new Set<Duplex>();
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(405, { "content-type": "text/plain", connection: "close" });
    response.end("this test proxy serves CONNECT only\n");
  });
  server.on("connect", (request, client: Duplex, head: Buffer) => {
    const authority = new URL(`http://${request.url ?? ""}`);
    const host = authority.hostname.replace(/^\[|\]$/g, "");
    const port = Number(authority.port || 443);
    const user = basicUser(request.headers["proxy-authorization"]);
    tunnels.push({ host, port, ...(user === undefined ? {} : { user }) });
    const target = connect({ host: options.hosts?.[host] ?? host, port });
    client.on("error", () => target.destroy());
    target.once("error", () => {
      if (client.writable) client.end("HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n");
    });
    target.once("connect", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) target.write(head);
      splice(client, target, open);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: async () => {
      for (const stream of open) stream.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function basicUser(header: string | undefined): string | undefined {
  const encoded = header?.match(/^Basic\s+(\S+)/i)?.[1];
  if (!encoded) return undefined;
  return Buffer.from(encoded, "base64").toString("utf8").split(":")[0];
}
