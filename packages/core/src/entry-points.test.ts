import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

/** The steps the child process takes, in this order; each reports the modules it loaded. */
type Step = "import" | "plugin" | "flavors" | "archive" | "container";

interface ChildReport {
  loaded: Record<Step, string[]>;
  flavors: string[];
  sinkError: string;
  checksum: string;
}

const SAMPLE_CONFIGS: Record<string, unknown> = {
  "artifact_store/local": { path: "/srv/artifacts" },
  "container_registry/default": { uri: "127.0.0.1:5000" },
  "container_registry/dockerhub": { uri: "docker.io/acme" },
  "container_registry/github": { uri: "ghcr.io/acme" },
  "container_registry/gcp": { uri: "gcr.io/my-project" },
  "container_registry/aws": { uri: "715803424592.dkr.ecr.us-east-1.amazonaws.com" },
  "container_registry/azure": { uri: "myregistry.azurecr.io" },
  "image_builder/local": { engine: "podman" },
};

/**
 * Runs in a fresh Node process on the TypeScript sources (Node strips the types; a relative `./x.js`
 * that does not exist resolves to `./x.ts`, as TypeScript's NodeNext resolution does). A loader hook
 * records every module loaded, by `import` or `require`; nothing is imported before the first step,
 * so no module is hidden by having been loaded earlier.
 */
const RECORD_LOADED_MODULES = `
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
`;

const CHILD = `${RECORD_LOADED_MODULES}
const { index, plugin, root, missingSink, samples } = JSON.parse(process.env.ENTRY_POINTS_INPUT);
const report = { loaded: {} };
async function step(name, body) {
  const from = loaded.length;
  await body();
  report.loaded[name] = loaded.slice(from);
}
let core;
await step("import", async () => {
  core = await import(index);
});
await step("plugin", () => import(plugin));
await step("flavors", async () => {
  const registry = new core.FlavorRegistry();
  for (const flavor of await core.BuiltinIntegration.flavors()) registry.register(flavor);
  report.flavors = registry.list().map((flavor) => {
    const key = flavor.type + "/" + flavor.name;
    flavor.jsonSchema();
    flavor.parseConfig(samples[key]);
    try {
      flavor.parseConfig({ path: 42, uri: 42, engine: 42 });
      throw new Error(key + " accepted an invalid config");
    } catch (error) {
      if (!(error instanceof core.ConfigError)) throw error;
    }
    return key;
  });
});
await step("archive", async () => {
  const context = new core.BuildContext({ root, logger: core.silentLogger });
  const { createWriteStream } = process.getBuiltinModule("node:fs");
  report.sinkError = await context.writeArchive(createWriteStream(missingSink)).then(
    () => "none",
    (error) => error.code,
  );
  report.checksum = await context.checksum();
});
await step("container", () => {
  core.createFlavorstackContainer({ logger: core.silentLogger });
});
process.stdout.write(JSON.stringify(report));
`;

/** Imports the "./build-context" entry alone and prints the modules that loaded. */
const BUILD_CONTEXT_CHILD = `${RECORD_LOADED_MODULES}
await import(process.env.ENTRY_POINT);
process.stdout.write(JSON.stringify(loaded));
`;

const INDEX = new URL("./index.ts", import.meta.url).href;
const PLUGIN = new URL("./plugin.ts", import.meta.url).href;
const SOURCE_ROOT = new URL("./", import.meta.url).href;

/**
 * The only build-context modules an import may load: the entry, the public class, the extra-files tree and the
 * RELEASES_CHUNKS symbol (one line, exported for sinks).
 */
const EAGER_BUILD_CONTEXT = [
  "build-context/index.ts",
  "build-context/build-context.ts",
  "build-context/extra-files.ts",
  "build-context/releases-chunks.ts",
];
/** The flavors' implementations, loaded by `implementation()` only. */
const IMPLEMENTATIONS = [
  "artifact-stores/local/local-artifact-store.ts",
  "image-builders/local/local-image-builder.ts",
  "image-builders/local/engine.ts",
  "image-builders/local/detect-engine.ts",
];
/** Packages used by archives and containers only. */
const LAZY_PACKAGES =
  /\/node_modules\/(tar-stream|streamx|b4a|fast-fifo|text-decoder|tsyringe|reflect-metadata|tslib)\//;
/**
 * Built-ins whose import costs start-up (Node 24, measured RSS): node:crypto ~3.5 MiB, node:fs ~3 MiB
 * as an ES module (its namespace runs the lazy `promises`, `ReadStream`, ... getters), node:child_process
 * ~2 MiB, node:zlib ~2 MiB, node:fs/promises ~1.5 MiB, node:stream ~1.3 MiB.
 */
const COSTLY_BUILTINS = [
  "node:crypto",
  "node:fs",
  "node:child_process",
  "node:zlib",
  "node:fs/promises",
  "node:stream",
  "node:stream/promises",
];

function own(urls: string[]): string[] {
  return urls.filter((url) => url.startsWith(SOURCE_ROOT)).map((url) => url.slice(SOURCE_ROOT.length));
}

/** What a step loaded that importing the package or listing flavors must not. */
function eagerMistakes(urls: string[]): string[] {
  const ownModules = own(urls);
  return [
    ...ownModules.filter((file) => file.startsWith("build-context/") && !EAGER_BUILD_CONTEXT.includes(file)),
    ...ownModules.filter((file) => IMPLEMENTATIONS.includes(file)),
    ...urls.filter((url) => LAZY_PACKAGES.test(url)),
    ...urls.filter((url) => COSTLY_BUILTINS.includes(url)),
  ];
}

describe("entry points load only what the caller uses (module graph of a fresh process)", () => {
  let dir: string;
  let report: ChildReport;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "core-entry-points-"));
    const root = path.join(dir, "context");
    await mkdir(root);
    await writeFile(path.join(root, "Dockerfile"), "FROM scratch\n");
    const input = { index: INDEX, plugin: PLUGIN, root, missingSink: path.join(dir, "missing", "out.tar.gz") };
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHILD], {
      env: { ...process.env, ENTRY_POINTS_INPUT: JSON.stringify({ ...input, samples: SAMPLE_CONFIGS }) },
      maxBuffer: 16 * 1024 * 1024,
    });
    report = JSON.parse(stdout) as ChildReport;
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('importing "@flavorstack/core" loads no archive machinery, tsyringe, flavor implementation or costly built-in', () => {
    expect(own(report.loaded.import)).toContain("build-context/build-context.ts");
    expect(eagerMistakes(report.loaded.import)).toEqual([]);
  });

  it('"@flavorstack/core/plugin" neither', () => {
    expect(own(report.loaded.plugin)).toContain("artifact-stores/artifact-store.ts");
    expect(eagerMistakes(report.loaded.plugin)).toEqual([]);
  });

  it("listing the built-in flavors and parsing their configs neither", () => {
    expect(report.flavors.sort()).toEqual(Object.keys(SAMPLE_CONFIGS).sort());
    expect(eagerMistakes(report.loaded.flavors)).toEqual([]);
  });

  it("the first archive loads the machinery, and a sink that cannot open rejects it", () => {
    expect(report.sinkError).toBe("ENOENT");
    expect(report.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(own(report.loaded.archive)).toEqual(
      expect.arrayContaining(["build-context/context-archive.ts", "build-context/tar-producer.ts"]),
    );
    expect(report.loaded.archive.some((url) => url.includes("/node_modules/tar-stream/"))).toBe(true);
  });

  it('"@flavorstack/core/build-context" loads neither, nor zod and the flavors', async () => {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", BUILD_CONTEXT_CHILD], {
      env: { ...process.env, ENTRY_POINT: new URL("./build-context/index.ts", import.meta.url).href },
    });
    const loaded = JSON.parse(stdout) as string[];
    expect(own(loaded)).toContain("build-context/build-context.ts");
    expect(eagerMistakes(loaded)).toEqual([]);
    expect(loaded.filter((url) => url.includes("/node_modules/zod/"))).toEqual([]);
    expect(
      own(loaded)
        .filter((file) => !file.startsWith("build-context/"))
        .sort(),
    ).toEqual(["errors.ts", "logger.ts"]);
  });

  it("creating a container loads tsyringe and reflect-metadata", () => {
    const packages = report.loaded.container.filter((url) => LAZY_PACKAGES.test(url));
    expect(packages.some((url) => url.includes("/node_modules/tsyringe/"))).toBe(true);
    expect(packages.some((url) => url.includes("/node_modules/reflect-metadata/"))).toBe(true);
  });
});
