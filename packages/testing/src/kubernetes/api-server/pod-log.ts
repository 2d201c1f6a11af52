import type { ServerResponse } from "node:http";
import type { LogEntry, PodRuntime } from "../kubelet/pod-runtime.js";
import type { Pod } from "../kubernetes-types.js";
import { requestedContainerName } from "./container-name.js";
import { badRequest } from "./request-errors.js";
import { queryFlag } from "./request-filter.js";

/**
 * `sinceTime` as the kubelet gets it: the API server forwards it in RFC 3339 with whole seconds, so a client
 * asking from a line's own nanosecond timestamp gets the lines of that whole second again.
 */
function sinceTimeMs(url: URL): number | undefined {
  const value = url.searchParams.get("sinceTime");
  if (value === null) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`parsing time "${value}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  return Math.floor(ms / 1000) * 1000;
}

/** The lines in the container's current log file: with the `logRotation` fault, those since the last rotation. */
function currentFileEntries(runtime: PodRuntime | undefined): readonly LogEntry[] {
  const entries = runtime?.logEntries ?? [];
  const everyLines = runtime?.faults.logRotation?.everyLines;
  if (!everyLines || everyLines <= 0) return entries;
  // A file holds `everyLines` lines; the next line starts a new one.
  return entries.slice(Math.floor(Math.max(0, entries.length - 1) / everyLines) * everyLines);
}

/**
 * Answers `GET .../pods/{name}/log` as the kubelet does: `container`, `follow`, `tailLines`, `timestamps`,
 * `sinceTime`, `limitBytes` and `previous`; an empty 200 before the pod is scheduled, 400 while the container waits
 * to start. After a log rotation (the `logRotation` fault) only the current file is read, as the kubelet does.
 * Calls `onFollow` with the response when it stays open to follow the log.
 */
export function servePodLog(
  res: ServerResponse,
  url: URL,
  pod: Pod,
  runtime: PodRuntime | undefined,
  onFollow: (res: ServerResponse) => void,
): void {
  const name = pod.metadata.name as string;
  const containerName = requestedContainerName(pod, url.searchParams.get("container"));
  if (!pod.spec.nodeName) {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end();
    return;
  }
  const status = pod.status.containerStatuses?.[0];
  const previous = queryFlag(url, "previous");
  if (previous && !status?.lastState.terminated) {
    throw badRequest(`previous terminated container "${containerName}" in pod "${name}" not found`);
  }
  const waiting = status?.state.waiting?.reason;
  if (!previous && (!runtime?.started || (waiting && !status?.lastState.terminated))) {
    const pulling = waiting === "ErrImagePull" || waiting === "ImagePullBackOff";
    const reason = pulling ? "trying and failing to pull image" : (waiting ?? "ContainerCreating");
    throw badRequest(`container "${containerName}" in pod "${name}" is waiting to start: ${reason}`);
  }
  const timestamps = queryFlag(url, "timestamps");
  const follow = queryFlag(url, "follow") && !previous;
  const tailLines = url.searchParams.has("tailLines") ? Number(url.searchParams.get("tailLines")) : undefined;
  const since = sinceTimeMs(url);
  let remaining = url.searchParams.has("limitBytes")
    ? Number(url.searchParams.get("limitBytes"))
    : Number.POSITIVE_INFINITY;
  res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
  const write = (time: string, text: string) => {
    if (remaining <= 0 || res.writableEnded) return;
    let line = timestamps ? `${time} ${text}` : text;
    if (Buffer.byteLength(line) > remaining) line = Buffer.from(line).subarray(0, remaining).toString("utf8");
    remaining -= Buffer.byteLength(line);
    res.write(line);
    if (remaining <= 0) res.end();
  };
  const entries = currentFileEntries(runtime).filter((entry) => since === undefined || Date.parse(entry.time) >= since);
  const shown =
    tailLines !== undefined && tailLines >= 0 ? entries.slice(Math.max(0, entries.length - tailLines)) : entries;
  for (const entry of shown) write(entry.time, entry.text);
  if (!follow || !runtime || runtime.terminated || res.writableEnded) {
    if (!res.writableEnded) res.end();
    return;
  }
  onFollow(res);
  const unsubscribeLog = runtime.onLog((entry) => write(entry.time, entry.text));
  const unsubscribeEnd = runtime.onTerminated(() => {
    if (!res.writableEnded) res.end();
  });
  res.on("close", () => {
    unsubscribeLog();
    unsubscribeEnd();
  });
}
