import { inspect } from "node:util";
import { ConfigError } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import { S3ArtifactStoreFlavor } from "./s3-artifact-store-flavor.js";

const KEY = "AKIAEXAMPLEKEYID0001";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";

const parse = (config: unknown) => S3ArtifactStoreFlavor.parseConfig(config);
const failure = (config: unknown): ConfigError => {
  try {
    parse(config);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("the config was accepted");
};

describe("s3ArtifactStoreConfigSchema", () => {
  it("takes ZenML's snake_case names, at the top level and inside client_kwargs", () => {
    expect(
      parse({
        path: "s3://bucket/prefix",
        key: KEY,
        secret: SECRET,
        client_kwargs: { endpoint_url: "http://127.0.0.1:9000", region_name: "eu-central-1" },
        config_kwargs: { maxAttempts: 5 },
        s3_additional_kwargs: { ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/key" },
        force_path_style: true,
      }),
    ).toEqual({
      path: "s3://bucket/prefix",
      key: KEY,
      secret: SECRET,
      clientKwargs: { endpointUrl: "http://127.0.0.1:9000", regionName: "eu-central-1" },
      configKwargs: { maxAttempts: 5 },
      s3AdditionalKwargs: { ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/key" },
      forcePathStyle: true,
    });
  });

  it("takes the dicts as JSON strings, as ZenML's CLI passes them", () => {
    expect(parse({ path: "s3://b", clientKwargs: '{"endpoint_url": "https://minio.example.com"}' })).toMatchObject({
      clientKwargs: { endpointUrl: "https://minio.example.com" },
    });
    expect(failure({ path: "s3://b", configKwargs: "{not json" }).message).toMatch(/configKwargs: not valid JSON/);
  });

  it("has defaults: no keys (the default credential chain), virtual-hosted addressing", () => {
    expect(parse({ path: "s3://bucket" })).toEqual({ path: "s3://bucket", forcePathStyle: false });
  });

  it("refuses a field given under both names", () => {
    expect(failure({ path: "s3://b", forcePathStyle: true, force_path_style: false }).message).toMatch(
      /forcePathStyle: given twice, as 'forcePathStyle' and as 'force_path_style'/,
    );
    expect(
      failure({ path: "s3://b", clientKwargs: { endpointUrl: "http://a", endpoint_url: "http://b" } }).message,
    ).toMatch(/clientKwargs\.endpointUrl: given twice/);
  });

  it("refuses an endpoint that is not http(s) with ZenML's message", () => {
    for (const endpointUrl of ["minio:9000", "ftp://minio.example.com", "s3://bucket", "http://"]) {
      expect(failure({ path: "s3://b", clientKwargs: { endpointUrl } }).message).toContain(
        "clientKwargs.endpointUrl: Invalid URL for endpoint url. Should be in the form https://hostname[:port] or http://hostname[:port].",
      );
    }
  });

  it("refuses paths that are not s3://bucket[/prefix], with ZenML's message for another scheme", () => {
    expect(failure({ path: "gs://bucket" }).message).toMatch(
      /path: The path: 'gs:\/\/bucket' you defined for your artifact store is not supported .* \{'s3:\/\/'\}\. Use s3:\/\/bucket\[\/prefix\]\./,
    );
    expect(failure({ path: "s3://" }).message).toMatch(/path: the bucket is missing/);
    expect(failure({}).message).toMatch(/path: the store's root is required/);
  });

  it("wants key and secret together, and a token only with them", () => {
    expect(failure({ path: "s3://b", key: KEY }).message).toMatch(/secret: key and secret go together/);
    expect(failure({ path: "s3://b", secret: SECRET }).message).toMatch(/key: key and secret go together/);
    expect(failure({ path: "s3://b", token: TOKEN }).message).toMatch(/token: a session token needs key and secret/);
  });

  it("wants s3AdditionalKwargs in the SDK's PascalCase names, and none the store sets itself", () => {
    const message = failure({ path: "s3://b", s3AdditionalKwargs: { acl: "private", Bucket: "other" } }).message;
    expect(message).toMatch(/s3AdditionalKwargs\.acl: use the AWS SDK's parameter names, in PascalCase/);
    expect(message).toMatch(/s3AdditionalKwargs\.Bucket: set by the store itself/);
  });

  it("never echoes a secret: not in errors, not in the store's string forms; the JSON Schema marks them writeOnly", async () => {
    const invalid = failure({
      path: "ftp://b",
      key: KEY,
      secret: SECRET,
      token: TOKEN,
      clientKwargs: { endpointUrl: 3 },
    });
    for (const value of [KEY, SECRET, TOKEN]) {
      expect(invalid.message).not.toContain(value);
      expect(JSON.stringify(invalid.cause)).not.toContain(value);
    }
    const store = await S3ArtifactStoreFlavor.createComponent({
      name: "prod",
      config: { path: "s3://bucket", key: KEY, secret: SECRET, token: TOKEN },
    });
    for (const shown of [String(store), `${store}`, inspect(store), String(store.config)]) {
      for (const value of [KEY, SECRET, TOKEN]) expect(shown).not.toContain(value);
    }
    const properties = S3ArtifactStoreFlavor.jsonSchema().properties as Record<string, Record<string, unknown>>;
    for (const field of ["key", "secret", "token"]) expect(properties[field]?.writeOnly).toBe(true);
    expect(properties.path?.writeOnly).toBeUndefined();
  });
});
