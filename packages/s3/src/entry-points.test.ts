import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/**
 * In a fresh Node process on the TypeScript sources (Node strips the types; a relative `./x.js` that does not exist
 * resolves to `./x.ts`): imports the entry point, registers the integration, lists and describes the flavor, validates
 * configs and makes a store, then prints every module that loaded.
 */
const CHILD = `
import { registerHooks } from "node:module";
const loaded = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!specifier.startsWith(".") || !specifier.endsWith(".js")) throw error;
      return nextResolve(specifier.slice(0, -".js".length) + ".ts", context);
    }
  },
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
const { S3Integration } = await import(process.env.ENTRY_POINT);
const flavors = [];
await S3Integration.register({ register: (flavor) => flavors.push(flavor) });
const [flavor] = flavors;
flavor.jsonSchema();
flavor.parseConfig({ path: "s3://bucket/prefix", client_kwargs: { endpoint_url: "http://127.0.0.1:9000" } });
try {
  flavor.parseConfig({ path: "gs://bucket" });
} catch {}
const store = await flavor.createComponent({ name: "s", config: { path: "s3://bucket", key: "k", secret: "s" } });
store.containerEnvironment();
store.resolve("a/b.txt");
process.stdout.write(JSON.stringify(loaded));
`;

describe("entry point", () => {
  it("loads none of the AWS SDK to list the flavor, validate configs and make a store", async () => {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHILD], {
      env: { ...process.env, ENTRY_POINT: new URL("./index.ts", import.meta.url).href },
      maxBuffer: 16 * 1024 * 1024,
    });
    const loaded = JSON.parse(stdout) as string[];
    expect(loaded).toContain(new URL("./s3-artifact-store.ts", import.meta.url).href);
    expect(loaded.filter((url) => /\/(@aws-sdk|@smithy)\//.test(url))).toEqual([]);
    expect(loaded.filter((url) => url.endsWith("/s3-write-stream.ts") || url.endsWith("/s3-client.ts"))).toEqual([
      new URL("./s3-client.ts", import.meta.url).href,
    ]);
  }, 60_000);
});
