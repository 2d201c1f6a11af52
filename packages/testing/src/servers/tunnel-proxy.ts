import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

/** A connection a proxy opened for a client: where the client asked to go. */
export interface TunnelRecord {
  /** The host as the client named it (a name is resolved by the proxy, as `socks5h` and CONNECT do). */
  host: string;
  port: number;
  /** The `Proxy-Authorization` user of a CONNECT request, or the SOCKS5 user name, when one was given. */
  user?: string;
}

/** A forward proxy started by a test: its URL, and every tunnel it opened. */
export interface TunnelProxy {
  /** `http://127.0.0.1:PORT` or `socks5://127.0.0.1:PORT`: a kubeconfig's `proxy-url` or `HTTPS_PROXY`. */
  readonly url: string;
  /** Tunnels opened (or refused), oldest first. */
  readonly tunnels: TunnelRecord[];
  close(): Promise<void>;
}

export interface TunnelProxyOptions {
  /**
   * Names the proxy resolves itself, e.g. `{ "kube.test": "127.0.0.1" }`: a client can reach such a host only
   * through the proxy, which proves it went through it. Other names resolve as usual.
   */
  hosts?: Record<string, string>;
}

/** Joins a client's stream to `target`, closing each side when the other ends or fails. */
export function splice(client: Duplex, target: Socket, open: Set<Duplex>): void {
  open.add(client);
  open.add(target);
  const drop = () => {
    client.destroy();
    target.destroy();
    open.delete(client);
    open.delete(target);
  };
  client.on("error", drop).on("close", drop);
  target.on("error", drop).on("close", drop);
  client.pipe(target).pipe(client);
}
