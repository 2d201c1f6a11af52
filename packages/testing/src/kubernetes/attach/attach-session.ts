import type { WebSocket } from "ws";
import type { ExecutorResult } from "../kubelet/executor.js";
import type { PodRuntime } from "../kubelet/pod-runtime.js";

/** Channel numbers of the Kubernetes remote-command WebSocket protocols. */
export const ATTACH_CHANNEL = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, close: 255 } as const;

/** Subprotocols the double can speak, best first. */
export const ATTACH_PROTOCOLS = [
  "v5.channel.k8s.io",
  "v4.channel.k8s.io",
  "v3.channel.k8s.io",
  "v2.channel.k8s.io",
  "channel.k8s.io",
] as const;

export interface AttachSessionOptions {
  protocol: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Terminate the connection after this many stdin bytes (fault injection). */
  dropAfterBytes?: number;
}

/** The channel-3 payload a kubelet sends when the container ends. */
export function attachStatusPayload(result: ExecutorResult, protocol: string): string | undefined {
  const json = protocol === "v4.channel.k8s.io" || protocol === "v5.channel.k8s.io";
  if (result.exitCode === 0) return json ? JSON.stringify({ metadata: {}, status: "Success" }) : undefined;
  const message = `command terminated with non-zero exit code: error executing command [attach], exit code ${result.exitCode}`;
  if (!json) return message;
  return JSON.stringify({
    metadata: {},
    status: "Failure",
    message,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(result.exitCode) }] },
  });
}

function frame(channel: number, payload: Buffer | string): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = channel;
  data.copy(out, 1);
  return out;
}

/**
 * Serves one attach connection: stdin frames feed the container's stdin at the executor's pace (the socket is
 * paused while its buffer is full), log lines go out on stdout/stderr, and the container's end is sent on the
 * status channel before the server closes. Never sends channel-255 frames.
 */
export function serveAttachSession(ws: WebSocket, runtime: PodRuntime, options: AttachSessionOptions): void {
  const v5 = options.protocol === "v5.channel.k8s.io";
  let stdinClosed = !options.stdin;
  let received = 0;
  let closed = false;

  const closeStdin = () => {
    if (stdinClosed) return;
    stdinClosed = true;
    if (runtime.stdinOnce) runtime.endStdin();
  };

  const unsubscribeLog = runtime.onLog((entry) => {
    if (closed) return;
    const channel = entry.stream === "stderr" ? ATTACH_CHANNEL.stderr : ATTACH_CHANNEL.stdout;
    if (channel === ATTACH_CHANNEL.stdout && !options.stdout) return;
    if (channel === ATTACH_CHANNEL.stderr && !options.stderr) return;
    ws.send(frame(channel, entry.text));
  });

  const unsubscribeEnd = runtime.onTerminated((result) => {
    if (closed) return;
    const payload = attachStatusPayload(result, options.protocol);
    if (payload !== undefined) ws.send(frame(ATTACH_CHANNEL.status, payload));
    ws.resume();
    ws.close(1000);
  });

  ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!isBinary) return;
    const message = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (message.length === 0) return;
    const channel = message[0];
    if (channel === ATTACH_CHANNEL.stdin) {
      if (stdinClosed) return;
      let payload = message.subarray(1);
      if (options.dropAfterBytes !== undefined && received + payload.length >= options.dropAfterBytes) {
        payload = payload.subarray(0, Math.max(0, options.dropAfterBytes - received));
        received += payload.length;
        runtime.writeStdin(payload);
        closeStdin();
        closed = true;
        ws.terminate();
        return;
      }
      received += payload.length;
      if (!runtime.writeStdin(payload)) {
        ws.pause();
        runtime.onStdinDrain(() => ws.resume());
      }
    } else if (channel === ATTACH_CHANNEL.close && v5 && message[1] === ATTACH_CHANNEL.stdin) {
      closeStdin();
    }
  });

  ws.on("close", () => {
    closed = true;
    unsubscribeLog();
    unsubscribeEnd();
    closeStdin();
  });
  ws.on("error", () => {
    ws.terminate();
  });
}
