// Every command's happy path, through the built binary in an empty temp directory, as a new user runs it.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliSandbox, createCliSandbox } from "./support/cli-sandbox.js";

let sandbox: CliSandbox;

beforeAll(async () => {
  sandbox = await createCliSandbox();
});

afterAll(async () => {
  await sandbox.remove();
});

async function ok(...args: string[]): Promise<string> {
  const result = await sandbox.run(args);
  expect(result.stderr, `flavorstack ${args.join(" ")}`).not.toMatch(/^error:/m);
  expect(result.code, `flavorstack ${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

async function okJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await ok(...args, "--json")) as T;
}

describe("help and version", () => {
  it("--help lists every command group and the exit codes, and creates no store", async () => {
    const help = await ok("--help");
    for (const command of [
      "integration",
      "flavor",
      "artifact-store",
      "container-registry",
      "image-builder",
      "stack",
      "secret",
      "build",
    ]) {
      expect(help).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
    expect(help).toContain("Exit codes: 0 ok, 1 failure");
    expect(existsSync(sandbox.storeFile)).toBe(false);
  });

  it("--version prints the package's version", async () => {
    expect(await ok("--version")).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("register --flavor kaniko --help shows the flavor's options from its schema", async () => {
    const help = await ok("image-builder", "register", "kb", "--flavor", "kaniko", "--help");
    // Help wraps at 80 columns off a TTY.
    expect(help).toMatch(
      /--kubernetes-context <value>\s+The kubeconfig context in which to run\s+the Kaniko pod\. \(required\)/,
    );
    expect(help).toMatch(/--executor-args <json>/);
    expect(help).toMatch(/--pod-running-timeout <integer>/);
    expect(help).toMatch(/--store-context-in-artifact-store\s/);
    expect(help).toMatch(/--no-store-context-in-artifact-store\s/);
  });

  it("an enum becomes choices, a secret field says so", async () => {
    expect(await ok("image-builder", "register", "x", "--flavor", "local", "--help")).toMatch(
      /--engine <value>.*\(choices: "auto", /s,
    );
    expect(await ok("artifact-store", "register", "x", "--flavor", "s3", "--help")).toMatch(
      /--secret <value>.*secret:/s,
    );
  });
});

describe("start-up", () => {
  /** The URLs of every module a command loads, written by a resolve hook when the process exits. */
  async function loadedModules(args: string[]): Promise<string[]> {
    const hook = path.join(sandbox.dir, "record-modules.mjs");
    const list = path.join(sandbox.dir, "modules.json");
    await writeFile(
      hook,
      `import { registerHooks } from "node:module";
import { writeFileSync } from "node:fs";
const urls = [];
registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); urls.push(result.url); return result; } });
process.on("exit", () => writeFileSync(${JSON.stringify(list)}, JSON.stringify(urls)));
`,
    );
    const result = await sandbox.run(args, { nodeArgs: ["--import", pathToFileURL(hook).href] });
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(await readFile(list, "utf8")) as string[];
  }

  it("--help and the list commands load neither zod, core's main entry nor an integration", async () => {
    for (const args of [["--help"], ["stack", "list"], ["artifact-store", "list"], ["secret", "list"]]) {
      const heavy = (await loadedModules(args)).filter((url) =>
        /\/zod\/|\/core\/dist\/(index|plugin)\.js|\/(kaniko|s3|gcp)\/dist\//.test(url),
      );
      expect(heavy, `flavorstack ${args.join(" ")}`).toEqual([]);
    }
  });
});

describe("integrations and flavors", () => {
  it("integration list and describe", async () => {
    const list = await ok("integration", "list");
    expect(list).toMatch(/^kaniko\s+yes\s+/m);
    const integrations = await okJson<{ name: string; flavors: string[] }[]>("integration", "list");
    expect(integrations.find((integration) => integration.name === "kaniko")?.flavors).toContain(
      "image_builder/kaniko",
    );
    expect(await ok("integration", "describe", "kaniko")).toMatch(/^flavors:\s+image_builder\/kaniko$/m);
    expect((await okJson<{ name: string }>("integration", "describe", "s3")).name).toBe("s3");
  });

  it("flavor list [--type] and describe with the JSON Schema", async () => {
    expect(await ok("flavor", "list")).toMatch(/^image_builder\s+kaniko\s+kaniko\s/m);
    const builders = await okJson<{ type: string; name: string }[]>("flavor", "list", "--type", "image-builder");
    expect(builders.every((flavor) => flavor.type === "image_builder")).toBe(true);
    expect(builders.map((flavor) => flavor.name)).toEqual(expect.arrayContaining(["kaniko", "local"]));
    expect(await ok("flavor", "describe", "image_builder", "kaniko")).toContain('"kubernetesContext"');
    const described = await okJson<{ configSchema: { required: string[] } }>(
      "flavor",
      "describe",
      "image-builder",
      "kaniko",
    );
    expect(described.configSchema.required).toEqual(["kubernetesContext"]);
  });
});

describe("components, stacks and secrets", () => {
  it("registers, lists, describes, updates and deletes components; flags come from the flavor's schema", async () => {
    expect(await ok("artifact-store", "list")).toMatch(/^default\s+local\s/m);
    expect(
      await ok(
        "image-builder",
        "register",
        "kb",
        "--flavor",
        "kaniko",
        "--kubernetes-context",
        "prod",
        "--executor-args",
        '["--cache=true"]',
        "--pod-running-timeout",
        "120",
        "--store-context-in-artifact-store",
      ),
    ).toMatch(/Registered image builder 'kb'/);
    const kb = await okJson<{ flavor: string; config: Record<string, unknown> }>("image-builder", "describe", "kb");
    expect(kb.flavor).toBe("kaniko");
    expect(kb.config).toMatchObject({
      kubernetesContext: "prod",
      executorArgs: ["--cache=true"],
      podRunningTimeout: 120,
      storeContextInArtifactStore: true,
    });
    await ok(
      "image-builder",
      "update",
      "kb",
      "--no-store-context-in-artifact-store",
      "--kubernetes-namespace",
      "builds",
    );
    const updated = await okJson<{ config: Record<string, unknown> }>("image-builder", "describe", "kb");
    expect(updated.config).toMatchObject({
      kubernetesContext: "prod",
      kubernetesNamespace: "builds",
      storeContextInArtifactStore: false,
    });
    await ok("image-builder", "register", "lb", "--flavor", "local", "--engine", "buildah");
    expect(await ok("image-builder", "list")).toMatch(/^kb\s+kaniko\s.*\n^lb\s+local\s/m);
    await ok("container-registry", "register", "reg", "--flavor", "default", "--uri", "127.0.0.1:5000");
    expect(await ok("container-registry", "describe", "reg")).toMatch(/^flavor:\s+default$/m);
    await ok("image-builder", "update", "kb", "--new-name", "kaniko-prod");
    await ok("image-builder", "delete", "kaniko-prod");
    expect(await ok("image-builder", "list")).not.toMatch(/kaniko-prod/);
  });

  it("keeps secret fields out of the component's row and out of every output", async () => {
    await ok(
      "artifact-store",
      "register",
      "bucket",
      "--flavor",
      "s3",
      "--path",
      "s3://bucket",
      "--key",
      "AKIAEXAMPLE",
      "--secret",
      "s3cr3t-value",
    );
    const outputs = [
      await ok("artifact-store", "describe", "bucket"),
      await ok("artifact-store", "describe", "bucket", "--json"),
      await ok("artifact-store", "list", "--json"),
      await ok("secret", "list", "--json"),
    ].join("\n");
    expect(outputs).toContain("********");
    expect(outputs).not.toContain("s3cr3t-value");
    expect(outputs).not.toContain("AKIAEXAMPLE");
  });

  it("secret create, list, describe, update and delete; values never printed", async () => {
    expect(await ok("secret", "create", "aws", "key=AKIAFROMARGS", "secret=from-args")).toMatch(
      /Created secret 'aws' with keys: key, secret/,
    );
    const file = path.join(sandbox.dir, "values.env");
    await writeFile(file, "# comment\ntoken=from-file\n");
    await ok("secret", "update", "aws", "--values-file", file);
    const viaStdin = await sandbox.run(["secret", "create", "gcp", "--values-file", "-"], {
      input: JSON.stringify({ keyJson: '{"type":"service_account"}' }),
    });
    expect(viaStdin.code).toBe(0);
    const described = await okJson<{ name: string; keys: string[] }>("secret", "describe", "aws");
    expect(described.keys.sort()).toEqual(["key", "secret", "token"]);
    const everything = [await ok("secret", "list"), await ok("secret", "describe", "aws"), viaStdin.stdout].join("\n");
    expect(everything).not.toMatch(/AKIAFROMARGS|from-args|from-file|service_account/);
    await ok("secret", "update", "gcp", "keyJson={}", "--replace");
    await ok("secret", "delete", "gcp");
    expect(await ok("secret", "list")).not.toMatch(/^gcp\s/m);
  });

  it("a {{secret.key}} reference stays readable in the config", async () => {
    await ok(
      "artifact-store",
      "register",
      "referenced",
      "--flavor",
      "s3",
      "--path",
      "s3://other",
      "--key",
      "{{aws.key}}",
      "--secret",
      "{{aws.secret}}",
    );
    const { config } = await okJson<{ config: Record<string, string> }>("artifact-store", "describe", "referenced");
    expect(config).toMatchObject({ key: "{{aws.key}}", secret: "{{aws.secret}}" });
  });

  it("stack register, list, describe, set, update, validate and delete", async () => {
    expect(await ok("stack", "register", "dev", "-a", "default", "-c", "reg", "-i", "lb")).toMatch(
      /Registered stack 'dev'/,
    );
    expect(await ok("stack", "list")).toMatch(/^\*\s+default\b/m);
    await ok("stack", "set", "dev");
    const stacks = await okJson<{ name: string; active: boolean }[]>("stack", "list");
    expect(stacks.find((stack) => stack.active)?.name).toBe("dev");
    expect(await ok("stack", "describe")).toMatch(/^name:\s+dev$/m);
    const dev = await okJson<{ components: Record<string, { name: string }> }>("stack", "describe", "dev");
    expect(dev.components.image_builder?.name).toBe("lb");
    await ok("stack", "update", "dev", "--no-image-builder");
    expect(
      (await okJson<{ components: Record<string, unknown> }>("stack", "describe", "dev")).components.image_builder,
    ).toBeUndefined();
    expect(await ok("stack", "validate", "dev")).toMatch(/Stack 'dev' is valid/);
    await ok("stack", "register", "spare", "-a", "default", "--set");
    await ok("stack", "set", "default");
    await ok("stack", "delete", "spare");
    expect(await ok("stack", "list")).not.toMatch(/spare/);
  });

  it("--store and FLAVORSTACK_STORE_URL name another store", async () => {
    const other = path.join(sandbox.dir, "other.db");
    await ok("--store", other, "artifact-store", "register", "elsewhere", "--flavor", "local");
    expect(await ok("artifact-store", "list", "--store", `sqlite:${other}`)).toMatch(/^elsewhere\s/m);
    const viaEnv = await sandbox.run(["artifact-store", "list"], { env: { FLAVORSTACK_STORE_URL: other } });
    expect(viaEnv.stdout).toMatch(/^elsewhere\s/m);
    expect(await ok("artifact-store", "list")).not.toMatch(/elsewhere/);
  });
});
