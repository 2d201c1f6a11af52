/** The node every scheduled pod lands on. */
export const NODE_NAME = "flavorstack-double-node";

/** The node's address, reported as the pods' `hostIP`. */
export const NODE_HOST_IP = "10.89.0.2";

/** A pod IP derived from the pod's uid, in the node's pod CIDR. */
export function podIP(uid: string | undefined): string {
  return `10.244.0.${(Number.parseInt(uid?.slice(0, 2) ?? "0", 16) % 250) + 2}`;
}
