import type { Container, ContainerState, ContainerStatus, Pod } from "../kubernetes-types.js";

/** Sets the state of the pod's (first) container, keeping what the previous status knew unless `patch` says otherwise. */
export function setContainerState(pod: Pod, state: ContainerState, patch: Partial<ContainerStatus> = {}): void {
  const container = pod.spec.containers[0] as Container;
  const previous = pod.status.containerStatuses?.[0];
  const status: ContainerStatus = {
    name: container.name,
    image: container.image ?? "",
    imageID: previous?.imageID ?? "",
    ready: false,
    started: false,
    restartCount: previous?.restartCount ?? 0,
    lastState: previous?.lastState ?? {},
    state,
    ...(previous?.containerID ? { containerID: previous.containerID } : {}),
    ...patch,
  };
  pod.status.containerStatuses = [status];
}

/** A stable, digest-shaped `imageID` for a pulled image (`repository@sha256:<hex>`). */
export function pulledImageID(image: string): string {
  const repository = image.split("@")[0]?.replace(/:[^/:]+$/, "") ?? image;
  return `${repository}@sha256:${Buffer.from(repository).toString("hex").padEnd(64, "0").slice(0, 64)}`;
}
