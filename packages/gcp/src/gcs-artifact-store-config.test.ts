import { ConfigError } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import { GcsArtifactStoreFlavor } from "./index.js";
import { createServiceAccountKey } from "./test-support/service-account-keys.js";

const parse = (config: unknown) => GcsArtifactStoreFlavor.parseConfig(config);
const failure = (config: unknown): ConfigError => {
  try {
    parse(config);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error("the config was accepted");
};

/** Every message of an error and its causes, and its string form. */
function everything(error: unknown): string {
  const parts: string[] = [String(error)];
  for (let current = error; current instanceof Error; current = current.cause) parts.push(current.message);
  return parts.join("\n");
}

describe("gcsArtifactStoreConfigSchema", () => {
  it("accepts camelCase and ZenML-style snake_case names", () => {
    const { json } = createServiceAccountKey();
    const camel = parse({
      path: "gs://bucket/a",
      serviceAccountJson: json,
      projectId: "p",
      apiEndpoint: "http://127.0.0.1:9199",
    });
    const snake = parse({
      path: "gs://bucket/a",
      service_account_json: json,
      project_id: "p",
      api_endpoint: "http://127.0.0.1:9199",
    });
    expect(snake).toEqual(camel);
    expect(parse({ path: "gs://bucket" })).toEqual({ path: "gs://bucket" });
    expect(parse({ path: "gs://bucket", apiEndpoint: "http://127.0.0.1:9199/" }).apiEndpoint).toBe(
      "http://127.0.0.1:9199",
    );
  });

  it("refuses a field given under both names", () => {
    expect(failure({ path: "gs://b/a", projectId: "p", project_id: "q" }).message).toMatch(
      /projectId: given twice, as 'projectId' and as 'project_id'/,
    );
  });

  it.each([
    [
      "an s3:// path",
      { path: "s3://bucket" },
      /not supported by the implementation of GcsArtifactStore.*\{'gs:\/\/'\}/,
    ],
    ["a bad bucket name", { path: "gs://Bad_Bucket!" }, /bucket name after gs:\/\/ must be/],
    ["no path", {}, /path: the store's root is required/],
    [
      "a non-http endpoint",
      { path: "gs://bucket", apiEndpoint: "ftp://x" },
      /apiEndpoint: the API endpoint must be an http/,
    ],
    ["an unknown field", { path: "gs://bucket", bucket: "x" }, /bucket: unknown field/],
  ])("refuses %s with a message that says what to do", (_label, config, message) => {
    const error = failure(config);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
  });

  it("refuses inline JSON that is no service account key, never quoting it", () => {
    const { key } = createServiceAccountKey();
    const broken = JSON.stringify(key).slice(0, -5);
    const notAKey = JSON.stringify({ type: "authorized_user", refresh_token: key.private_key });
    for (const [value, message] of [
      [broken, /serviceAccountJson: the inline service account key is not valid JSON/],
      [notAKey, /is not a service account key .*its type is 'authorized_user'/],
    ] as const) {
      const error = failure({ path: "gs://bucket", serviceAccountJson: value });
      expect(error.message).toMatch(message);
      const text = everything(error);
      expect(text).not.toContain(key.private_key.slice(40, 80));
      expect(text).not.toContain(value.slice(0, 40));
    }
  });
});
