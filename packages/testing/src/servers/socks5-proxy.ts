import { once } from "node:events";
import { type AddressInfo, connect, createServer as createListener } from "node:net";
import type { Duplex } from "node:stream";
import { createServer } from "@pondwader/socks5-server";
import { splice, type TunnelProxy, type TunnelProxyOptions, type TunnelRecord } from "./tunnel-proxy.js";

/**
 * Starts a SOCKS5 proxy on 127.0.0.1 (`@pondwader/socks5-server` speaks the protocol: no authentication, CONNECT
 * only) that records where each client asked to go and resolves names itself, as `socks5h://` clients expect.
 */
export async function startSocks5Proxy(options: TunnelProxyOptions = {}): Promise<TunnelProxy> {
  const tunnels: TunnelRecord[] = [];
  const open = new Set<Duplex>();
  const server = createServer();
  server.setConnectionHandler((connection, sendStatus) => {
    const { destAddress: host, destPort: port } = connection;
    tunnels.push({ host, port });
    const target = connect({ host: options.hosts?.[host] ?? host, port });
    connection.socket.on("error", () => target.destroy());
    target.once("error", () => sendStatus("HOST_UNREACHABLE"));
    target.once("connect", () => {
      sendStatus("REQUEST_GRANTED");
      splice(connection.socket, target, open);
    });
  });
  // Our own listener hands each socket to the library (its documented `_handleConnection`), so its port is known.
  const listener = createListener((socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    server._handleConnection(socket);
  });
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  const { port } = listener.address() as AddressInfo;
  return {
    url: `socks5://127.0.0.1:${port}`,
    tunnels,
    close: async () => {
      for (const stream of open) stream.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
