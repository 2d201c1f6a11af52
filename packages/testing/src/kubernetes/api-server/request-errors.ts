import { kubernetesStatus, StatusError } from "../kubernetes-status.js";

export function badRequest(message: string): StatusError {
  return new StatusError(kubernetesStatus(400, message));
}

/** 404 for a path the server does not serve. */
export function routeNotFound(): StatusError {
  return new StatusError(kubernetesStatus(404, "the server could not find the requested resource", { details: {} }));
}

export function methodNotAllowed(): StatusError {
  return new StatusError(
    kubernetesStatus(405, "the server does not allow this method on the requested resource", {
      reason: "MethodNotAllowed",
    }),
  );
}

/** 422 `Invalid` naming the field, as validation errors are reported. */
export function invalidField(kind: string, name: string, field: string, detail: string): StatusError {
  return new StatusError(
    kubernetesStatus(422, `${kind} "${name}" is invalid: ${field}: ${detail}`, {
      reason: "Invalid",
      details: { name, kind, causes: [{ reason: "FieldValueInvalid", message: detail, field }] },
    }),
  );
}

/** 409 `AlreadyExists` for a create whose name is taken. */
export function alreadyExists(resource: string, name: string): StatusError {
  return new StatusError(
    kubernetesStatus(409, `${resource} "${name}" already exists`, {
      reason: "AlreadyExists",
      details: { name, kind: resource },
    }),
  );
}
