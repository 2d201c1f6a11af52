import type { KubernetesStatus } from "./kubernetes-types.js";

const REASONS_BY_CODE: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  410: "Expired",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** The `reason` a real API server puts in a `Status` with this HTTP code. */
export function reasonForCode(code: number): string {
  return REASONS_BY_CODE[code] ?? (code >= 500 ? "InternalError" : "BadRequest");
}

/** A Kubernetes `Status` failure object, as the API server sends it in error bodies. */
export function kubernetesStatus(
  code: number,
  message: string,
  options: { reason?: string; details?: KubernetesStatus["details"] } = {},
): KubernetesStatus {
  const status: KubernetesStatus = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: options.reason ?? reasonForCode(code),
    code,
  };
  if (options.details) status.details = options.details;
  return status;
}

/** `pods "x" not found` with `details.kind: pods`. */
export function notFoundStatus(resource: string, name: string): KubernetesStatus {
  return kubernetesStatus(404, `${resource} "${name}" not found`, { details: { name, kind: resource } });
}

/** An error carrying a Kubernetes `Status` to answer with. */
export class StatusError extends Error {
  readonly status: KubernetesStatus;

  constructor(status: KubernetesStatus) {
    super(status.message);
    this.status = status;
    this.name = "StatusError";
  }
}
