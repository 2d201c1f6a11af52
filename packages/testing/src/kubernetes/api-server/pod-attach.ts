import type { AttachSessionOptions } from "../attach/attach-session.js";
import type { PodRuntime } from "../kubelet/pod-runtime.js";
import type { Pod } from "../kubernetes-types.js";
import { requestedContainerName } from "./container-name.js";
import { badRequest } from "./request-errors.js";
import { queryFlag } from "./request-filter.js";

/** The path of an attach request: `/api/v1/namespaces/{ns}/pods/{name}/attach`. */
const ATTACH_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/attach$/;

/** The namespace and pod name of an attach path (undefined for any other path). */
export function parseAttachPath(pathname: string): { namespace: string; name: string } | undefined {
  const match = ATTACH_PATH.exec(pathname);
  if (!match) return undefined;
  return { namespace: decodeURIComponent(match[1] as string), name: decodeURIComponent(match[2] as string) };
}

/**
 * Checks an attach request as the kubelet does (a stream asked for, the pod bound, its container running, a
 * protocol both sides speak; 400 otherwise) and returns the runtime to attach to with the session's options.
 * No `Sec-WebSocket-Protocol` at all means the original `channel.k8s.io`.
 */
export function acceptAttach(
  url: URL,
  pod: Pod,
  runtime: PodRuntime | undefined,
  offeredProtocols: string[],
  supportedProtocols: readonly string[],
): { runtime: PodRuntime; session: AttachSessionOptions } {
  const name = pod.metadata.name as string;
  const containerName = requestedContainerName(pod, url.searchParams.get("container"));
  const stdin = queryFlag(url, "stdin");
  const stdout = queryFlag(url, "stdout");
  const stderr = queryFlag(url, "stderr");
  if (!stdin && !stdout && !stderr) throw badRequest("you must specify at least 1 of stdin, stdout, stderr");
  if (pod.status.phase === "Succeeded" || pod.status.phase === "Failed") {
    throw badRequest(`cannot attach to a container in a completed pod; current phase is ${pod.status.phase}`);
  }
  if (!pod.spec.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const waiting = pod.status.containerStatuses?.[0]?.state.waiting?.reason;
  if (!runtime?.started || runtime.terminated) {
    throw badRequest(
      `container "${containerName}" in pod "${name}" is waiting to start: ${waiting ?? "ContainerCreating"}`,
    );
  }
  const protocol =
    offeredProtocols.length === 0
      ? "channel.k8s.io"
      : supportedProtocols.find((supported) => offeredProtocols.includes(supported));
  if (!protocol) {
    throw badRequest(
      `unable to upgrade connection: requested protocol(s) are not supported: [${offeredProtocols.join(" ")}]; supported protocols: [${supportedProtocols.join(" ")}]`,
    );
  }
  const dropAfterBytes = runtime.faults.attachDrop?.afterBytes;
  return {
    runtime,
    session: { protocol, stdin, stdout, stderr, ...(dropAfterBytes !== undefined ? { dropAfterBytes } : {}) },
  };
}
