import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createKubeApi, type KubeApi } from "../kube/kube-api.js";
import { LeanKubeConfig } from "../kube/lean-kube-config.js";

export type FakeApiHandler = (url: URL, response: http.ServerResponse) => void;

/**
 * A bare HTTP server playing the API server's part in one scenario, and a
 * `KubeApi` pointed at it. `requests` lists each request's path (`?watch`
 * marks watches).
 */
export async function fakeApiServer(
  handler: FakeApiHandler,
): Promise<{ api: KubeApi; requests: string[]; stop: () => void }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    requests.push(`${url.pathname}${url.searchParams.get("watch") ? "?watch" : ""}`);
    handler(url, response);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const api = createKubeApi(
    LeanKubeConfig.fromString(`clusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t0ken } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`),
  );
  const stop = () => {
    server.closeAllConnections();
    server.close();
  };
  return { api, requests, stop };
}
