import type { ServiceAccount } from "../kubernetes-types.js";
import { admitMetadata, requireObjectBody } from "./admit-metadata.js";

/** Checks a service account create request (name and namespace, as for any object). */
export function admitServiceAccount(
  body: Partial<ServiceAccount> | undefined,
  namespace: string,
  nameTaken: (name: string) => boolean,
): ServiceAccount {
  const requested = requireObjectBody(body, "ServiceAccount");
  const { secrets, imagePullSecrets, automountServiceAccountToken } = requested;
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: admitMetadata("ServiceAccount", requested.metadata, namespace, nameTaken),
    ...(secrets ? { secrets } : {}),
    ...(imagePullSecrets ? { imagePullSecrets } : {}),
    ...(automountServiceAccountToken !== undefined ? { automountServiceAccountToken } : {}),
  };
}
