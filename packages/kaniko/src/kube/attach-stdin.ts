import type { Duplex } from "node:stream";
import { Writable } from "node:stream";
import { type BuildContext, type BuildProgress, FlavorstackError, RELEASES_CHUNKS } from "@flavorstack/core/plugin";
import type WebSocket from "ws";
import { eventMessage } from "./api-error.js";
import { namespacedPath } from "./kube-api.js";
import type { KubeConfigLike } from "./lean-kube-config.js";
import { wsFramer } from "./ws-framer.js";

/** Subprotocols offered, newest first (as client-node and kubectl do). */
const ATTACH_PROTOCOLS = [
  "v5.channel.k8s.io",
  "v4.channel.k8s.io",
  "v3.channel.k8s.io",
  "v2.channel.k8s.io",
  "channel.k8s.io",
] as const;

/** Channel numbers of the Kubernetes remote-command protocol. */
const STDIN = 0;
const STATUS = 3;
const CLOSE = 255;
const V5 = "v5.channel.k8s.io";

/**
 * Archive bytes per websocket message, at most. kubectl sends 32 KiB pieces;
 * larger messages cost less per byte on both ends (fewer frames, writes and
 * message events; the archive writer hands over ~1 MiB gzip blocks, so most
 * go out whole), and API servers take them (client-go reads up to 32 MiB).
 */
const ATTACH_FRAME_BYTES = 1024 * 1024;
/** Stop taking archive bytes while this much is queued on the socket... */
const ATTACH_HIGH_WATER = 4 * 1024 * 1024;
/** ...and take more once it is down to this. */
const ATTACH_LOW_WATER = 1024 * 1024;
/** Frame buffers kept for reuse: as many as the high water mark lets queue. */
const FRAME_POOL_SIZE = Math.ceil(ATTACH_HIGH_WATER / ATTACH_FRAME_BYTES) + 2;
/** The archive writer's buffer in front of the socket. */
const SINK_HIGH_WATER = 32 * 1024;

const CLOSE_TIMEOUT_MS = 30_000;
const HANDSHAKE_TIMEOUT_MS = 30_000;

export interface StreamContextOptions {
  kubeConfig: KubeConfigLike;
  namespace: string;
  podName: string;
  container: string;
  buildContext: BuildContext;
  signal: AbortSignal;
  onProgress?: ((progress: BuildProgress) => void) | undefined;
  /** gzip level; core's default (fast) when absent. */
  level?: number | undefined;
}

export interface AttachedStdin {
  /** The negotiated subprotocol: `v5.channel.k8s.io`, `v4.channel.k8s.io`, ... */
  protocol: string;
  /** Archive bytes sent. */
  bytes: number;
  sha256: string;
  /** Closes the socket (kept open under v5 until the build ends). */
  close(): void;
  /** A failure the server reported on the status channel, if any. */
  status(): string | undefined;
}

/** The attach connection failed: refused, or dropped before the context was sent. */
export class AttachError extends FlavorstackError {
  /** False when the connection was never established (refused upgrade, unreachable server). */
  readonly connected: boolean;

  constructor(message: string, options: { cause?: unknown; connected: boolean }) {
    super(message, { cause: options.cause });
    this.connected = options.connected;
  }
}

/**
 * Attaches to the container's stdin (`/attach?stdin=true`, no tty) and
 * streams the gzipped build context into it, then signals EOF: the `[255, 0]`
 * close frame under v5, closing the socket under older protocols.
 *
 * Backpressure: client-node's own attach writes every chunk to the socket at
 * once; here the archive writer is paused while more than
 * {@link ATTACH_HIGH_WATER} bytes wait in the socket, so memory stays bounded
 * whatever the context's size.
 */
export async function streamContextOverAttach(options: StreamContextOptions): Promise<AttachedStdin> {
  const { kubeConfig, namespace, podName, container, signal } = options;
  const ws = await import("ws");
  const WebSocketClass = ws.WebSocket;
  const framer = wsFramer(ws);
  let rawSocket: Duplex | undefined;
  let statusMessage: string | undefined;
  const query = new URLSearchParams({ container, stdin: "true", stdout: "false", stderr: "false", tty: "false" });
  const path = `${namespacedPath(namespace, "pods", podName, "attach")}?${query}`;
  signal.throwIfAborted();
  const socket = await openAttachSocket(WebSocketClass, kubeConfig, path, signal, (raw) => {
    rawSocket = raw;
  }).catch((error: unknown) => {
    if (signal.aborted) throw signal.reason;
    throw new AttachError(`attaching to ${namespace}/${podName} failed: ${eventMessage(error)}`, {
      cause: error,
      connected: false,
    });
  });
  socket.on("message", (data: Buffer, isBinary: boolean) => {
    const frame = isBinary ? data : Buffer.from(data.toString("utf8"), "latin1");
    if (frame.length > 0 && frame[0] === STATUS) statusMessage = readStatus(frame.subarray(1)) ?? statusMessage;
  });
  const protocol = socket.protocol;
  let closed: { code: number; reason: string } | undefined;
  let socketError: Error | undefined;
  let sent = 0;
  let pending: ((error?: Error | null) => void) | undefined;

  const closedError = () =>
    new AttachError(
      `the attach stream to ${namespace}/${podName} closed after ${sent} bytes of the build context${
        closed ? ` (websocket close ${closed.code}${closed.reason ? ` ${closed.reason}` : ""})` : ""
      }${socketError ? `: ${socketError.message}` : ""}${statusMessage ? `; the server said: ${statusMessage}` : ""}`,
      { cause: socketError, connected: true },
    );
  // Frame buffers written but not yet flushed: each is full-size even when its piece is small, so they
  // count towards the water marks as well as the bytes the socket reports.
  let heldBytes = 0;
  const queued = () => Math.max(socket.bufferedAmount, heldBytes);
  const release = (error?: Error) => {
    const callback = pending;
    if (!callback) return;
    if (!error && queued() > ATTACH_LOW_WATER) return;
    pending = undefined;
    callback(error ?? null);
  };
  socket.on("error", (error) => {
    socketError = error;
  });
  socket.on("close", (code, reason) => {
    closed = { code, reason: reason.toString() };
    release(closedError());
  });

  const send = (frame: Buffer, callback?: (error?: Error) => void) => {
    socket.send(frame, { binary: true }, (error) => {
      if (error) {
        socketError ??= error;
        const wrapped = closedError();
        callback?.(wrapped);
        release(wrapped);
        return;
      }
      callback?.();
      release();
    });
  };

  // Each chunk of the archive goes out at once, in frames of up to
  // ATTACH_FRAME_BYTES: each is copied into a pooled buffer ([STDIN, ...bytes]),
  // masked in place and written to the connection as is; the buffer goes back
  // to the pool once the socket has taken it.
  // ws's send() would copy every frame into a fresh buffer to mask it (it
  // treats any Buffer as read-only): 2 copies and ~100 MiB of garbage per
  // 100 MiB sent, which costs the archive writer CPU and the process RSS.
  const pool: Buffer[] = [];
  const sendStdin = (piece: Buffer) => {
    const buffer = pool.pop() ?? Buffer.allocUnsafe(ATTACH_FRAME_BYTES + 1);
    buffer[0] = STDIN;
    piece.copy(buffer, 1);
    const data = buffer.subarray(0, piece.length + 1);
    const raw = rawSocket;
    if (!framer || !raw) {
      send(data); // not reused: ws may keep it (it does when a mask comes out all zero)
      return;
    }
    const [head, payload] = framer(data);
    heldBytes += buffer.length;
    raw.cork();
    raw.write(head as Buffer);
    raw.write(payload ?? Buffer.alloc(0), (error?: Error | null) => {
      heldBytes -= buffer.length;
      if (error) {
        socketError ??= error;
        release(closedError());
        return;
      }
      if (pool.length < FRAME_POOL_SIZE) pool.push(buffer);
      release();
    });
    raw.uncork();
  };

  const sink = new Writable({
    highWaterMark: SINK_HIGH_WATER,
    write(chunk: Buffer, _encoding, callback) {
      if (closed || socket.readyState !== socket.OPEN) {
        callback(closedError());
        return;
      }
      for (let offset = 0; offset < chunk.length; offset += ATTACH_FRAME_BYTES) {
        sendStdin(chunk.subarray(offset, Math.min(chunk.length, offset + ATTACH_FRAME_BYTES)));
      }
      sent += chunk.length;
      try {
        options.onProgress?.({ phase: "stream", bytes: sent });
      } catch {
        // a throwing progress callback must not break the build (as with onLog)
      }
      if (queued() <= ATTACH_HIGH_WATER) callback();
      else pending = callback;
    },
    final(callback) {
      if (closed || socket.readyState !== socket.OPEN) {
        callback(closedError());
        return;
      }
      if (protocol === V5) {
        // v5: end stdin alone, keep the connection.
        send(Buffer.from([CLOSE, STDIN]), (error) => callback(error ?? (closed ? closedError() : null)));
        return;
      }
      // v4 and older: closing the connection is the only EOF (queued data goes first).
      const timer = setTimeout(() => {
        socket.terminate();
      }, CLOSE_TIMEOUT_MS);
      socket.once("close", () => {
        clearTimeout(timer);
        // The data went out before the close frame; only a socket error means it may not have arrived.
        callback(socketError ? closedError() : null);
      });
      socket.close(1000);
    },
  });

  // sendStdin copies every piece into a frame: the archive may reuse a chunk's memory once written.
  Object.assign(sink, { [RELEASES_CHUNKS]: true });

  const onAbort = () => {
    sink.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    socket.terminate();
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const written = await options.buildContext.writeArchive(sink, { gzip: true, level: options.level });
    signal.throwIfAborted();
    return {
      protocol,
      bytes: written.bytes,
      sha256: written.sha256,
      // The build is over (stdin was closed and the executor ended): no close handshake to wait for, whose
      // 30 s timer would keep the process alive if the server never answered.
      close: () => socket.terminate(),
      status: () => statusMessage,
    };
  } catch (error) {
    socket.terminate();
    if (signal.aborted) throw signal.reason;
    if (error instanceof AttachError) throw error;
    if (closed || socketError) throw closedError();
    throw error;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Opens the attach websocket with the kubeconfig's TLS, proxy and auth
 * settings (`applyToHTTPSOptions`, as client-node's own handler does), without
 * per-message deflate (the payload is gzip already). A refused upgrade
 * becomes an Error with the server's Status message.
 */
async function openAttachSocket(
  WebSocketClass: typeof WebSocket,
  kubeConfig: KubeConfigLike,
  path: string,
  signal: AbortSignal,
  onUpgrade: (raw: Duplex) => void,
): Promise<WebSocket> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error("the kubeconfig context has no cluster server");
  const url = `${server.replace(/^http/, "ws").replace(/\/+$/, "")}${path}`;
  const socketOptions: WebSocket.ClientOptions = {};
  await kubeConfig.applyToHTTPSOptions(socketOptions as never);
  // No per-message deflate: the payload is gzip already, and ws's sender must never queue frames (it does while
  // compressing), since stdin frames are written to the connection directly.
  const socket = new WebSocketClass(url, [...ATTACH_PROTOCOLS], {
    ...socketOptions,
    perMessageDeflate: false,
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  });
  return new Promise<WebSocket>((resolve, reject) => {
    const onAbort = () => {
      socket.terminate();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const settle = (outcome: () => void) => {
      signal.removeEventListener("abort", onAbort);
      socket.off("open", onOpen);
      socket.off("unexpected-response", onResponse);
      outcome();
    };
    const onOpen = () => settle(() => resolve(socket));
    const onResponse = (_request: unknown, response: import("node:http").IncomingMessage) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      // "close" also fires when the body is cut off ("end" then never does); settle() runs once.
      response.on("close", () => {
        let detail = body.trim();
        try {
          const status = JSON.parse(body) as { message?: string };
          if (status.message) detail = status.message;
        } catch {
          // not a Status
        }
        settle(() =>
          reject(
            Object.assign(
              new Error(
                `the API server refused the upgrade with HTTP ${response.statusCode}${detail ? `: ${detail.slice(0, 500)}` : ""}`,
              ),
              { statusCode: response.statusCode },
            ),
          ),
        );
        socket.terminate();
      });
    };
    // The connection ws takes over once the handshake is checked: stdin frames are written to it directly.
    socket.once("upgrade", (response) => onUpgrade(response.socket));
    socket.once("open", onOpen);
    socket.on("unexpected-response", onResponse);
    socket.once("error", (error) => settle(() => reject(error)));
  });
}

function readStatus(data: Buffer): string | undefined {
  try {
    const status = JSON.parse(data.toString("utf8")) as { status?: string; message?: string; reason?: string };
    if (status.status === "Success") return undefined;
    return status.message ?? status.reason ?? data.toString("utf8");
  } catch {
    return data.toString("utf8").slice(0, 500);
  }
}
