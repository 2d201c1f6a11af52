import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as it reached the server. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/bucket?list-type=2&prefix=…`. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** An HTTP proxy in front of a real server that records every request passing through, unchanged. */
export interface RecordingProxy {
  /** `http://127.0.0.1:PORT`: point a client's endpoint here instead of at the server. */
  readonly endpoint: string;
  /** Requests forwarded (or refused), since the start or the last {@link reset}. */
  readonly requests: RecordedRequest[];
  /** Request body bytes that went through (what uploads really sent), since the start or the last {@link reset}. */
  readonly uploadedBytes: number;
  /** Called with the running {@link uploadedBytes} after every chunk of a request body. */
  onUpload: ((uploadedBytes: number) => void) | undefined;
  reset(): void;
  close(): Promise<void>;
}

export interface RecordingProxyOptions {
  /** Requests the proxy answers itself with S3's 400 InvalidRequest (not retried by the SDK) instead of forwarding. */
  refuse?(request: RecordedRequest): boolean;
  /** For the requests it gives a number for, the proxy drops the connection after that many bytes of the body. */
  cutResponseAfter?(request: RecordedRequest): number | undefined;
}

/**
 * Starts a proxy on 127.0.0.1 that forwards every request to `target` (Swift's s3api, the GCS emulator) with its
 * headers as they are, so SigV4 signatures (which cover the Host header the client sent to the proxy) still verify.
 * It records the requests and counts the body bytes sent: what a client really did on the wire, whatever its own
 * logs say.
 */
export async function startRecordingProxy(
  target: string,
  options: RecordingProxyOptions = {},
): Promise<RecordingProxy> {
  const { hostname, port } = new URL(target);
  let uploadedBytes = 0;
  const server = createServer((incoming, outgoing) => {
    const recorded = { method: incoming.method ?? "", url: incoming.url ?? "", headers: incoming.headers };
    proxy.requests.push(recorded);
    if (options.refuse?.(recorded)) {
      incoming.resume();
      outgoing.writeHead(400, { "content-type": "application/xml", connection: "close" });
      outgoing.end("<Error><Code>InvalidRequest</Code><Message>Refused by the test's proxy.</Message></Error>");
      return;
    }
    const forwarded = request(
      { hostname, port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        const limit = options.cutResponseAfter?.(recorded);
        if (limit === undefined) {
          response.pipe(outgoing);
          return;
        }
        let sent = 0;
        response.on("data", (chunk: Buffer) => {
          const room = limit - sent;
          sent += chunk.length;
          if (sent <= limit) return outgoing.write(chunk);
          outgoing.write(chunk.subarray(0, room), () => outgoing.destroy());
          response.destroy();
        });
        response.on("end", () => outgoing.end());
      },
    );
    forwarded.on("error", () => outgoing.destroy());
    outgoing.on("close", () => {
      if (!outgoing.writableFinished) forwarded.destroy();
    });
    incoming.on("data", (chunk: Buffer) => {
      uploadedBytes += chunk.length;
      proxy.onUpload?.(uploadedBytes);
    });
    incoming.pipe(forwarded);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address() as AddressInfo;
  const proxy: RecordingProxy = {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests: [],
    get uploadedBytes() {
      return uploadedBytes;
    },
    onUpload: undefined,
    reset() {
      proxy.requests.length = 0;
      uploadedBytes = 0;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
  return proxy;
}
