import type { Secret } from "../kubernetes-types.js";
import { admitMetadata, requireObjectBody } from "./admit-metadata.js";
import { badRequest, invalidField } from "./request-errors.js";

/** Secret and config map keys (`IsConfigMapKey`). */
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const MAX_CONFIG_KEY_LENGTH = 253;
/** A secret's data may hold at most 1 MiB. */
const MAX_SECRET_BYTES = 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Secret types whose data must hold a key, and that key. */
const REQUIRED_KEYS: Record<string, string> = {
  "kubernetes.io/dockerconfigjson": ".dockerconfigjson",
  "kubernetes.io/dockercfg": ".dockercfg",
  "kubernetes.io/ssh-auth": "ssh-privatekey",
};

type SecretBody = Partial<Secret> & { stringData?: Record<string, string> };

/**
 * Checks a secret create request and stores it as a real API server does: `data` must be base64 (else 400, as
 * when decoding fails), `stringData` is merged over `data` and not kept, keys must be valid config keys and the
 * whole at most 1 MiB (else 422 `Invalid`), `type` defaults to `Opaque`.
 */
export function admitSecret(
  body: SecretBody | undefined,
  namespace: string,
  nameTaken: (name: string) => boolean,
): Secret {
  const requested = requireObjectBody(body, "Secret");
  const metadata = admitMetadata("Secret", requested.metadata, namespace, nameTaken);
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(requested.data ?? {})) {
    if (typeof value !== "string" || !BASE64.test(value) || value.length % 4 !== 0) {
      const at = typeof value === "string" ? firstBadBase64Byte(value) : 0;
      throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at}`);
    }
    data[key] = value;
  }
  for (const [key, value] of Object.entries(requested.stringData ?? {})) {
    data[key] = Buffer.from(String(value), "utf8").toString("base64");
  }
  const type = requested.type || "Opaque";
  const name = metadata.name;
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    if (key.length > MAX_CONFIG_KEY_LENGTH || !CONFIG_KEY.test(key)) {
      throw invalidField(
        "Secret",
        name,
        `data[${key}]`,
        `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      );
    }
    size += Buffer.byteLength(value, "base64");
  }
  if (size > MAX_SECRET_BYTES) {
    throw invalidField("Secret", name, "data", `Too long: must have at most ${MAX_SECRET_BYTES} bytes`);
  }
  const requiredKey = REQUIRED_KEYS[type];
  if (requiredKey && !(requiredKey in data)) {
    throw invalidField("Secret", name, `data[${requiredKey}]`, "Required value");
  }
  const secret: Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata,
    type,
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(requested.immutable !== undefined ? { immutable: requested.immutable } : {}),
  };
  return secret;
}

/** Where Go's strict base64 decoder stops: the first character outside the alphabet, or the end. */
function firstBadBase64Byte(value: string): number {
  const index = value.search(/[^A-Za-z0-9+/=]/);
  if (index >= 0) return index;
  const padding = value.indexOf("=");
  return padding >= 0 && padding < value.length - 2 ? padding : value.length - (value.length % 4);
}
