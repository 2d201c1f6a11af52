import net from "node:net";

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

/** The variables kubectl reads (through Go's `http.ProxyFromEnvironment`), upper case first. */
type ProxyEnvironment = Partial<
  Record<"HTTPS_PROXY" | "https_proxy" | "HTTP_PROXY" | "http_proxy" | "NO_PROXY" | "no_proxy", string>
>;

/**
 * The proxy kubectl would use for `server` given these environment variables, by the rules of Go's
 * `golang.org/x/net/http/httpproxy`: `HTTPS_PROXY` for https servers, `HTTP_PROXY` for http ones (each also in lower
 * case, upper case first); a value without a scheme means `http://`; `localhost` and loopback IPs never go through a
 * proxy; `NO_PROXY` is a comma-separated list of `*` (no proxy at all), IPs, CIDRs, and domains (`example.com` matches
 * it and its subdomains, `.example.com` and `*.example.com` only subdomains), each optionally with a `:port`.
 */
export function proxyFromEnvironment(server: string, env: ProxyEnvironment = process.env): string | undefined {
  const url = new URL(server);
  const value = url.protocol === "https:" ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy;
  if (!value) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || DEFAULT_PORTS[url.protocol] || "";
  if (!useProxy(host, port, env.NO_PROXY || env.no_proxy || "")) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(value) ? value : `http://${value}`;
}

function useProxy(host: string, port: string, noProxy: string): boolean {
  if (host === "localhost") return false;
  const ip = net.isIP(host) ? host : undefined;
  if (ip && isLoopback(ip)) return false;
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return false;
    if (entry.includes("/")) {
      if (ip && inCidr(ip, entry)) return false;
      continue;
    }
    const { name, port: entryPort } = splitHostPort(entry);
    if (!name || (entryPort && entryPort !== port)) continue;
    if (net.isIP(name)) {
      if (ip && sameIp(ip, name)) return false;
      continue;
    }
    const suffix = name.startsWith("*.") ? name.slice(1) : name;
    const matchesItself = !suffix.startsWith(".");
    const dotted = matchesItself ? `.${suffix}` : suffix;
    if (host.endsWith(dotted) || (matchesItself && host === suffix)) return false;
  }
  return true;
}

/** `host:port`, `[v6]:port`, or a bare host (a bare IPv6 address has colons but no port). */
function splitHostPort(entry: string): { name: string; port: string } {
  const bracketed = entry.match(/^\[([^\]]*)\](?::(\d*))?$/);
  if (bracketed) return { name: bracketed[1] ?? "", port: bracketed[2] ?? "" };
  if (net.isIPv6(entry)) return { name: entry, port: "" };
  const colon = entry.lastIndexOf(":");
  return colon === -1 ? { name: entry, port: "" } : { name: entry.slice(0, colon), port: entry.slice(colon + 1) };
}

function isLoopback(ip: string): boolean {
  const v4 = toIpv4(ip);
  return v4 !== undefined ? v4.startsWith("127.") : ip === "::1" || /^(0+:){7}0*1$/.test(ip);
}

/** The IPv4 address of an IPv4 or IPv4-mapped IPv6 address (Go compares those as one). */
function toIpv4(ip: string): string | undefined {
  if (net.isIPv4(ip)) return ip;
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  return mapped && net.isIPv4(mapped) ? mapped : undefined;
}

function sameIp(a: string, b: string): boolean {
  const list = new net.BlockList();
  list.addAddress(toIpv4(b) ?? b, toIpv4(b) ? "ipv4" : "ipv6");
  return list.check(toIpv4(a) ?? a, toIpv4(a) ? "ipv4" : "ipv6");
}

function inCidr(ip: string, cidr: string): boolean {
  const [network = "", bits = ""] = cidr.split("/");
  const family = net.isIPv4(network) ? "ipv4" : net.isIPv6(network) ? "ipv6" : undefined;
  const prefix = Number(bits);
  if (!family || !/^\d+$/.test(bits) || prefix > (family === "ipv4" ? 32 : 128)) return false;
  const list = new net.BlockList();
  list.addSubnet(network, prefix, family);
  const v4 = toIpv4(ip);
  return v4 ? list.check(v4, "ipv4") : list.check(ip, "ipv6");
}
