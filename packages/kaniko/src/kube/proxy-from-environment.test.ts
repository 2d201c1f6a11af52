import { describe, expect, it } from "vitest";
import { proxyFromEnvironment } from "./proxy-from-environment.js";

const PROXY = "http://proxy.corp:3128";

describe("proxyFromEnvironment (Go's httpproxy rules, as kubectl)", () => {
  it("takes HTTPS_PROXY for https servers and HTTP_PROXY for http ones, upper case first", () => {
    const env = { HTTPS_PROXY: PROXY, https_proxy: "http://lower:1", HTTP_PROXY: "http://plain:8080" };
    expect(proxyFromEnvironment("https://api.example.com:6443", env)).toBe(PROXY);
    expect(proxyFromEnvironment("http://api.example.com:8080", env)).toBe("http://plain:8080");
    expect(proxyFromEnvironment("https://api.example.com", { https_proxy: "http://lower:1" })).toBe("http://lower:1");
    expect(proxyFromEnvironment("https://api.example.com", { HTTP_PROXY: PROXY })).toBeUndefined();
  });

  it("reads a value without a scheme as http://, and keeps socks5 and https proxies", () => {
    expect(proxyFromEnvironment("https://api.example.com", { HTTPS_PROXY: "proxy.corp:3128" })).toBe(PROXY);
    expect(proxyFromEnvironment("https://api.example.com", { HTTPS_PROXY: "socks5://127.0.0.1:1080" })).toBe(
      "socks5://127.0.0.1:1080",
    );
    expect(proxyFromEnvironment("https://api.example.com", { HTTPS_PROXY: "https://proxy.corp" })).toBe(
      "https://proxy.corp",
    );
  });

  it("never proxies localhost or loopback addresses", () => {
    for (const server of ["https://localhost:6443", "https://127.0.0.1", "https://127.8.9.10", "https://[::1]:6443"]) {
      expect(proxyFromEnvironment(server, { HTTPS_PROXY: PROXY }), server).toBeUndefined();
    }
    // Names are not resolved: only the literal name localhost is exempt.
    expect(proxyFromEnvironment("https://kube.localhost", { HTTPS_PROXY: PROXY })).toBe(PROXY);
  });

  it.each([
    ["*", "https://api.example.com", false],
    ["example.com", "https://example.com", false],
    ["example.com", "https://api.example.com", false],
    ["example.com", "https://notexample.com", true],
    [".example.com", "https://example.com", true],
    [".example.com", "https://api.example.com", false],
    ["*.example.com", "https://example.com", true],
    ["*.example.com", "https://a.b.example.com", false],
    ["EXAMPLE.com", "https://API.Example.COM", false],
    ["example.com:6443", "https://api.example.com:6443", false],
    ["example.com:6443", "https://api.example.com", true],
    ["example.com:443", "https://api.example.com", false],
    ["10.0.0.0/8", "https://10.20.30.40:6443", false],
    ["10.0.0.0/8", "https://11.0.0.1", true],
    ["10.1.2.3", "https://10.1.2.3", false],
    ["10.1.2.3:6443", "https://10.1.2.3:443", true],
    ["fd00::/8", "https://[fd00::2]:6443", false],
    ["[fd00::2]:6443", "https://[fd00::2]:6443", false],
    ["fd00::2", "https://[fd00::3]", true],
    [" other.com , , example.com ", "https://api.example.com", false],
    ["10.0.0.0/8", "https://ten.example.com", true],
  ])("NO_PROXY=%j for %s → proxied: %s", (noProxy, server, proxied) => {
    const proxy = proxyFromEnvironment(server, { HTTPS_PROXY: PROXY, NO_PROXY: noProxy });
    expect(proxy).toBe(proxied ? PROXY : undefined);
  });

  it("reads no_proxy when NO_PROXY is unset", () => {
    expect(proxyFromEnvironment("https://api.example.com", { HTTPS_PROXY: PROXY, no_proxy: "example.com" })).toBe(
      undefined,
    );
  });
});
