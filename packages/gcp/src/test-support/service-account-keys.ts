import { generateKeyPairSync, type KeyObject } from "node:crypto";
import type { ServiceAccountKey } from "../service-account-key.js";

/** A universe domain of our own: the auth library signs its own JWTs there instead of asking Google for a token. */
const TEST_UNIVERSE = "flavorstack.test";

/**
 * A real service account key (a fresh RSA key pair), by default in a universe of its own so that the auth library
 * signs each request's bearer token itself (a self-signed JWT) and needs no network; `publicKey` verifies those
 * tokens. With `googleUniverse`, a key in Google's universe, whose token endpoint refuses it (no such account).
 */
export function createServiceAccountKey(
  name = "store",
  { googleUniverse = false } = {},
): {
  key: ServiceAccountKey;
  json: string;
  publicKey: KeyObject;
} {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key: ServiceAccountKey = {
    type: "service_account",
    project_id: "flavorstack-test",
    private_key_id: `${name}-key`,
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: `${name}@flavorstack-test.iam.gserviceaccount.com`,
    client_id: "1",
    ...(googleUniverse
      ? { token_uri: "https://oauth2.googleapis.com/token" }
      : { token_uri: `https://oauth2.${TEST_UNIVERSE}/token`, universe_domain: TEST_UNIVERSE }),
  };
  return { key, json: JSON.stringify(key), publicKey };
}
