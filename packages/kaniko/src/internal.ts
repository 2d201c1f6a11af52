/**
 * `@flavorstack/kaniko/internal`: what this repository's e2e tests use beyond the public entry (client-node's
 * lazy loader) and the Kubernetes layer's error classes, for tests that check what a failure was. Not a public
 * API: it changes without notice.
 */
export { AttachError } from "./kube/attach-stdin.js";
export { type ClientNode, loadClientNode } from "./kube/client-node.js";
export { KubeApiError } from "./kube/kube-api.js";
export { PodGoneError, PodWaitTimeoutError, WatchRefusedError } from "./kube/pod-watcher.js";
