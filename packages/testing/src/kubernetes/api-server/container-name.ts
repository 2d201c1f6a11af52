import type { Pod } from "../kubernetes-types.js";
import { badRequest } from "./request-errors.js";

/**
 * The container a log or attach request is for: `requested`, or the only one. Only the first container runs, so
 * asking for another one answers as if it had not started.
 */
export function requestedContainerName(pod: Pod, requested: string | null): string {
  const names = pod.spec.containers.map((container) => container.name);
  if (!requested) {
    if (names.length === 1) return names[0] as string;
    throw badRequest(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`,
    );
  }
  if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
  if (requested !== names[0]) {
    throw badRequest(`container "${requested}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
  }
  return requested;
}
