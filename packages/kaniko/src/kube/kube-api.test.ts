import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeApiError } from "./api-error.js";
import { createKubeApi, KubeApiError } from "./kube-api.js";
import { LeanKubeConfig } from "./lean-kube-config.js";

// A raw HTTP server rather than the Kubernetes double: these tests check the exact request line, headers and
// body the client sends, and answers the double never gives (a server that never answers, a watch cut mid-line).
describe("createKubeApi", () => {
  let server: http.Server;
  let api: ReturnType<typeof createKubeApi>;
  const seen: { method?: string; url?: string; body: string; authorization?: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        seen.push({ method: request.method, url: request.url, body, authorization: request.headers.authorization });
        const url = new URL(request.url ?? "/", "http://x");
        if (url.pathname === "/api/v1/namespaces/ns/pods" && request.method === "POST") {
          response.writeHead(201, { "Content-Type": "application/json" }).end(body);
        } else if (url.pathname === "/api/v1/namespaces/missing") {
          response.writeHead(404, { "Content-Type": "application/json" }).end(
            JSON.stringify({
              kind: "Status",
              status: "Failure",
              reason: "NotFound",
              message: 'namespaces "missing" not found',
              code: 404,
            }),
          );
        } else if (url.pathname === "/slow") {
          // never answers
        } else if (url.pathname === "/api/v1/namespaces/ns/pods" && url.searchParams.get("watch") === "true") {
          response.writeHead(200, { "Content-Type": "application/json" });
          response.write(`${JSON.stringify({ type: "ADDED", object: { metadata: { name: "a" } } })}\n`);
          response.write(`\n${JSON.stringify({ type: "MODIFIED", object: { metadata: { name: "a" } } })}\n`);
          if (url.searchParams.get("fieldSelector") === "break") response.socket?.destroy();
          else response.end();
        } else if (url.pathname === "/api/v1/namespaces/ns/pods/a/log") {
          response
            .writeHead(200, { "Content-Type": "text/plain" })
            .end(`line for ${url.searchParams.get("container")}\n`);
        } else {
          response.writeHead(500).end("boom");
        }
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    api = createKubeApi(
      LeanKubeConfig.fromString(`clusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: abc } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`),
    );
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("sends JSON with the kubeconfig's credentials and parses the answer", async () => {
    const created = await api.request<{ metadata: { name: string } }>("POST", "/api/v1/namespaces/ns/pods", {
      body: { metadata: { name: "p" } },
      query: { dryRun: undefined, pretty: false },
    });
    expect(created).toEqual({ metadata: { name: "p" } });
    expect(seen.at(-1)).toMatchObject({
      method: "POST",
      url: "/api/v1/namespaces/ns/pods?pretty=false",
      authorization: "Bearer abc",
    });
  });

  it("turns a Status answer into an error with its code, reason and message", async () => {
    const failure = await api.request("GET", "/api/v1/namespaces/missing").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KubeApiError);
    expect((failure as KubeApiError).code).toBe(404);
    expect(describeApiError(failure)).toBe('HTTP 404 (NotFound): namespaces "missing" not found');
  });

  it("gives up on a silent server after the time limit, saying which call", async () => {
    await expect(api.request("GET", "/slow", { timeoutMs: 200 })).rejects.toThrow(
      "no answer to GET /slow within 0.2 s (from the API server, or from the kubeconfig's credential plugin)",
    );
  });

  it("delivers watch events until the server ends the stream, and rejects a broken one", async () => {
    const events: string[] = [];
    await api.watch(
      "/api/v1/namespaces/ns/pods",
      { fieldSelector: "ok" },
      (type) => events.push(type),
      new AbortController().signal,
    );
    expect(events).toEqual(["ADDED", "MODIFIED"]);
    await expect(
      api.watch("/api/v1/namespaces/ns/pods", { fieldSelector: "break" }, () => {}, new AbortController().signal),
    ).rejects.toThrow();
  });

  it("streams a log into a sink", async () => {
    let text = "";
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        text += chunk;
        callback();
      },
    });
    await api.stream("/api/v1/namespaces/ns/pods/a/log", { container: "kaniko" }, sink, new AbortController().signal);
    expect(text).toBe("line for kaniko\n");
  });
});
