import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../store/store-error.js";
import { resolveSecretReferences } from "./resolve-secret-references.js";
import { findSecretReferences, parseSecretReference, secretReference } from "./secret-references.js";
import { createSecretStore, type SecretStore } from "./secret-store.js";
import { createSecretsKeySource, SECRETS_KEY_ENV } from "./secrets-key.js";
import { openSecretsTestDatabase, type SecretsTestDatabase } from "./test-support/secrets-test-database.js";

const CONFIG = {
  path: "s3://bucket",
  key: "{{aws.key}}",
  clientKwargs: { endpointUrl: "https://{{ endpoint.host }}:9000" },
  executorArgs: ["--cache=true", "--token={{ci.token}}-{{ci.token}}"],
  owned: "{{artifact_store-s3.prod.secret}}",
  notAReference: "{{no-key}} {{a.b.}} {{.x}} {aws.key}",
  count: 3,
  flag: true,
  nothing: null,
};

describe("findSecretReferences", () => {
  it("finds every {{name.key}} in string values at any depth, with where it is", () => {
    expect(findSecretReferences(CONFIG)).toEqual([
      { secret: "aws", key: "key", path: "key", text: "{{aws.key}}" },
      { secret: "endpoint", key: "host", path: "clientKwargs.endpointUrl", text: "{{ endpoint.host }}" },
      { secret: "ci", key: "token", path: "executorArgs[1]", text: "{{ci.token}}" },
      { secret: "ci", key: "token", path: "executorArgs[1]", text: "{{ci.token}}" },
      { secret: "artifact_store-s3.prod", key: "secret", path: "owned", text: "{{artifact_store-s3.prod.secret}}" },
    ]);
    expect(findSecretReferences("{{a.b}}")).toEqual([{ secret: "a", key: "b", path: "", text: "{{a.b}}" }]);
    expect(findSecretReferences({ "{{keys.are}}": "not values" })).toEqual([]);
  });

  it("parses a value that is one reference alone, and writes one", () => {
    expect(parseSecretReference("{{aws.key}}")).toEqual({ secret: "aws", key: "key" });
    expect(parseSecretReference(" {{aws.key}}")).toBeUndefined();
    expect(parseSecretReference("x{{aws.key}}")).toBeUndefined();
    expect(parseSecretReference(42)).toBeUndefined();
    expect(secretReference("image_builder-kb", "token")).toBe("{{image_builder-kb.token}}");
    expect(parseSecretReference(secretReference("image_builder-k.b", "token"))).toEqual({
      secret: "image_builder-k.b",
      key: "token",
    });
  });
});

describe("resolveSecretReferences", () => {
  let t: SecretsTestDatabase;
  let secrets: SecretStore;
  const VALUES = { aws: "aws-value-never-shown", host: "minio.internal", token: "ci-token-never-shown" };

  beforeEach(async () => {
    t = await openSecretsTestDatabase();
    const env = { [SECRETS_KEY_ENV]: randomBytes(32).toString("base64") };
    secrets = createSecretStore({ db: t.db, key: createSecretsKeySource({ location: t.location, env }) });
    await secrets.create("aws", { key: VALUES.aws });
    await secrets.create("endpoint", { host: VALUES.host });
    await secrets.create("ci", { token: VALUES.token });
  });

  afterEach(async () => {
    await t.close();
  });

  it("replaces every reference with its value, deeply, leaving everything else as it was", async () => {
    const config = { ...CONFIG, owned: "unchanged" };
    const resolved = await resolveSecretReferences(config, secrets);
    expect(resolved).toEqual({
      ...config,
      key: VALUES.aws,
      clientKwargs: { endpointUrl: `https://${VALUES.host}:9000` },
      executorArgs: ["--cache=true", `--token=${VALUES.token}-${VALUES.token}`],
    });
    expect(config.key).toBe("{{aws.key}}");
    const plain = { a: 1, b: ["x"] };
    expect(await resolveSecretReferences(plain, secrets)).toBe(plain);
  });

  it("takes values literally, '$' patterns included", async () => {
    await secrets.create("odd", { v: "$& $1 $$ $`" });
    expect(await resolveSecretReferences({ a: "<{{odd.v}}>" }, secrets)).toEqual({ a: "<$& $1 $$ $`>" });
  });

  it("names every reference it cannot resolve at once, and what to do; never a value", async () => {
    const config = { ...CONFIG, owned: "{{aws.secret}}", more: ["{{gcp.json}}", "{{gcp.json}}"] };
    const error = await resolveSecretReferences(config, secrets).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      [
        "The config refers to secrets that are not there:",
        "  - {{aws.secret}} in owned: the secret 'aws' has no key 'secret' (its keys: key; add it with flavorstack secret update aws)",
        "  - {{gcp.json}} in more[0]: there is no secret 'gcp' (create it with flavorstack secret create gcp)",
        "  - {{gcp.json}} in more[1]: there is no secret 'gcp' (create it with flavorstack secret create gcp)",
      ].join("\n"),
    );
    for (const value of Object.values(VALUES)) expect(inspect(error)).not.toContain(value);
  });
});
