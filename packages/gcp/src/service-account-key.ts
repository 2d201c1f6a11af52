/** The fields of a service account's JSON key that the client uses. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  project_id?: string;
  universe_domain?: string;
  [field: string]: unknown;
}

/**
 * The key in `text`, or what is wrong with it. The problem never quotes the text: no JSON.parse message is kept,
 * since it quotes the input (the private key).
 */
export function parseServiceAccountKey(text: string): { key: ServiceAccountKey } | { problem: string } {
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    return { problem: "is not valid JSON" };
  }
  const { type, client_email, private_key } = (key ?? {}) as Record<string, unknown>;
  if (typeof client_email !== "string" || typeof private_key !== "string") {
    const kind = typeof type === "string" ? `; its type is '${type}'` : "";
    return { problem: `is not a service account key (it needs client_email and private_key${kind})` };
  }
  return { key: key as ServiceAccountKey };
}
