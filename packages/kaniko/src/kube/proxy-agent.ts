import type { Agent, AgentOptions } from "node:http";

/** The schemes kubectl accepts in a cluster's `proxy-url` (and Go's transport in `HTTPS_PROXY`). */
const PROXY_SCHEMES = ["http:", "https:", "socks5:", "socks5h:"];

/**
 * A keep-alive agent that reaches `server` through `proxyUrl`: HTTP(S) proxies with CONNECT (hpagent), SOCKS5 with
 * socks-proxy-agent. Both are imported on first need. A SOCKS5 proxy resolves the server's name itself, as kubectl's
 * does (Go's SOCKS5 dialer sends names as they are), so `socks5://` behaves as `socks5h://`.
 */
export async function createProxyAgent(proxyUrl: string, server: string, options: AgentOptions): Promise<Agent> {
  let proxy: URL;
  try {
    proxy = new URL(proxyUrl);
  } catch {
    throw new Error(`the proxy URL '${redactUserInfo(proxyUrl)}' is not a URL: write it as scheme://host:port`);
  }
  if (!PROXY_SCHEMES.includes(proxy.protocol)) {
    throw new Error(
      `the proxy URL '${redactUserInfo(proxyUrl)}' has scheme '${proxy.protocol.replace(/:$/, "")}'; use http, https or socks5`,
    );
  }
  const secure = new URL(server).protocol === "https:";
  const viaProxy = (error: Error) =>
    new Error(`cannot connect through the proxy ${redactUserInfo(proxyUrl)}: ${error.message}`, { cause: error });
  if (proxy.protocol.startsWith("socks5")) {
    const { SocksProxyAgent } = await import("socks-proxy-agent");
    proxy.protocol = "socks5h:";
    const agent = new SocksProxyAgent(proxy, options);
    const connect = agent.connect.bind(agent);
    agent.connect = (request, connectOptions) =>
      connect(request, connectOptions).catch((error: Error) => Promise.reject(viaProxy(error)));
    return agent;
  }
  const { HttpProxyAgent, HttpsProxyAgent } = await import("hpagent");
  const Proxied = secure ? HttpsProxyAgent : HttpProxyAgent;
  const agent = new Proxied({ ...options, proxy });
  const createConnection = agent.createConnection.bind(agent) as ConnectionFactory;
  (agent as unknown as { createConnection: ConnectionFactory }).createConnection = (connectOptions, callback) =>
    createConnection(connectOptions, (error, socket) => callback(error ? viaProxy(error) : null, socket));
  return agent;
}

type ConnectionFactory = (options: unknown, callback: (error: Error | null, socket?: unknown) => void) => unknown;

/** A proxy URL as it may appear in a message: without its user and password. */
function redactUserInfo(proxyUrl: string): string {
  return proxyUrl.replace(/\/\/[^/@]*@/, "//***@");
}
