import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { kubernetesStatus, StatusError } from "../kubernetes-status.js";
import type { KubernetesStatus } from "../kubernetes-types.js";
import { badRequest } from "./request-errors.js";

/** The API server's default limit on request bodies. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

const HTTP_REASON_PHRASES: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** Sends a `Status`, with `Retry-After` when it has `details.retryAfterSeconds` (as the API server does). */
export function sendStatus(res: ServerResponse, status: KubernetesStatus): void {
  const retryAfter = status.details?.retryAfterSeconds;
  sendJson(res, status.code, status, retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) });
}

/** Answers on a raw socket (an upgrade request that is refused) with a `Status` body. */
export function sendStatusOnSocket(socket: Duplex, status: KubernetesStatus): void {
  const text = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${HTTP_REASON_PHRASES[status.code] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** The `Status` to answer an error with: its own for a {@link StatusError}, else a 500. */
export function statusOf(error: unknown): KubernetesStatus {
  if (error instanceof StatusError) return error.status;
  return kubernetesStatus(500, `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`);
}

/** Reads a JSON request body (undefined when empty); 413 past the size limit, 400 when it does not parse. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new StatusError(kubernetesStatus(413, "Request entity too large", { reason: "RequestEntityTooLarge" }));
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`error decoding request body: ${(error as Error).message}`);
  }
}
