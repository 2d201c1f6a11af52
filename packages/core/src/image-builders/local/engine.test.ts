import { execFile, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BuildContextError, BuildError } from "../../errors.js";
import { detectEngine } from "./detect-engine.js";
import { buildWithEngine } from "./engine.js";

const HELLO_CONTEXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../../examples/hello");
const TIMEOUT = 120_000;

// The real registry comes from @flavorstack/testing's servers and the busybox base from the repository's
// test support (test/support); core cannot depend on @flavorstack/testing (which depends on core), so both are
// imported by URL at run time: a static import would pull files outside this package's rootDir into its typecheck.
interface RunningRegistry {
  url: string;
  hostPort: string;
  stop(): Promise<void>;
}
const SUPPORT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../../test/support");
const SERVERS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../testing/src/servers");
const { startRegistry, manifestDigest } = (await import(
  pathToFileURL(path.join(SERVERS, "docker-registry.ts")).href
)) as {
  startRegistry(): Promise<RunningRegistry>;
  manifestDigest(hostPort: string, repository: string, reference: string): Promise<string | undefined>;
};
const { pushBusyboxBase, BUSYBOX_REPOSITORY } = (await import(
  pathToFileURL(path.join(SUPPORT, "busybox-base.ts")).href
)) as {
  pushBusyboxBase(hostPort: string): Promise<string>;
  BUSYBOX_REPOSITORY: string;
};
const ORIGINAL_PATH = process.env.PATH ?? "";

/** The build context as the system's `tar -czf -` writes it (the real BuildContext is tested elsewhere). */
function tarGz(dir: string): (sink: Writable) => Promise<void> {
  return (sink) =>
    new Promise((resolve, reject) => {
      const tar = spawn("tar", ["-czf", "-", "-C", dir, "."], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      tar.stdout.pipe(sink);
      tar.once("error", reject);
      tar.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}`))));
    });
}

function commandWorks(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => execFile(command, args, { timeout: 15_000 }, (error) => resolve(!error)));
}

async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `flavorstack-engine-test-${prefix}-`));
}

/** Runs `fn` with PATH set to `dirs` only. */
async function withPath<T>(dirs: string[], fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = dirs.join(path.delimiter);
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

async function writeScript(file: string, body: string): Promise<void> {
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
}

const cleanups: string[] = [];
afterAll(async () => {
  for (const dir of cleanups) await rm(dir, { recursive: true, force: true });
});

describe("detectEngine", () => {
  const dockerDaemon = commandWorks("docker", ["info"]);
  const buildahPresent = commandWorks("buildah", ["--version"]);

  it("auto skips a docker client without a daemon and picks buildah", async () => {
    if ((await dockerDaemon) || !(await buildahPresent)) return; // this machine's kind: docker CLI only + buildah
    expect(await detectEngine("auto")).toBe("buildah");
  });

  it("auto tries docker, podman, buildah in order and checks that docker works", async () => {
    const bin = await tempDir("bin");
    cleanups.push(bin);
    await writeScript(path.join(bin, "docker"), 'echo "Cannot connect to the Docker daemon" >&2; exit 1');
    await writeScript(path.join(bin, "buildah"), "echo buildah version 1.28.2");
    expect(await withPath([bin], () => detectEngine("auto"))).toBe("buildah");

    await writeScript(path.join(bin, "podman"), "echo podman version 4.3.1");
    expect(await withPath([bin], () => detectEngine("auto"))).toBe("podman");

    await writeScript(path.join(bin, "docker"), "echo 27.0.0");
    expect(await withPath([bin], () => detectEngine("auto"))).toBe("docker");
  });

  it("an explicit engine that is missing is a clear error", async () => {
    const empty = await tempDir("empty");
    cleanups.push(empty);
    const error = await withPath([empty], () => detectEngine("podman")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as Error).message).toMatch(
      /^`podman` is required to run the local image builder: install it or set engine to one of docker, buildah/,
    );
  });

  it("an explicit docker without a daemon says so", async () => {
    const bin = await tempDir("nodaemon");
    cleanups.push(bin);
    await writeScript(
      path.join(bin, "docker"),
      'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" >&2; exit 1',
    );
    const error = await withPath([bin], () => detectEngine("docker")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as Error).message).toContain("does not work here");
    expect((error as Error).message).toContain("Cannot connect to the Docker daemon");
  });

  it("no engine at all lists what was tried and how to install one", async () => {
    const empty = await tempDir("none");
    cleanups.push(empty);
    const error = await withPath([empty], () => detectEngine("auto")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const message = (error as Error).message;
    expect(message).toContain("docker: not found on PATH");
    expect(message).toContain("podman: not found on PATH");
    expect(message).toContain("buildah: not found on PATH");
    expect(message).toContain("apt-get install buildah");
  });
});

describe("buildWithEngine with a fake docker CLI", () => {
  it("streams the gzipped context on stdin, passes flags and reads the pushed digest", async () => {
    const bin = await tempDir("fakedocker");
    cleanups.push(bin);
    const log = path.join(bin, "calls.log");
    const stdinCopy = path.join(bin, "stdin.tgz");
    await writeScript(
      path.join(bin, "docker"),
      [
        `echo "$*" >> ${log}`,
        `case "$1" in`,
        `  build) cat > ${stdinCopy}; echo "Successfully built";;`,
        `  push) echo "latest: digest: sha256:${"ab".repeat(32)} size: 527";;`,
        `esac`,
      ].join("\n"),
    );
    const context = await tempDir("ctx");
    cleanups.push(context);
    await writeFile(path.join(context, "Dockerfile"), "FROM scratch\n");
    const lines: string[] = [];
    const result = await withPath([bin, ...ORIGINAL_PATH.split(path.delimiter)], () =>
      buildWithEngine({
        engine: "docker",
        contextArchive: tarGz(context),
        tag: "127.0.0.1:5999/app:1",
        buildArgs: { TOKEN: "s3cret-value" },
        labels: { owner: "tests" },
        target: "final",
        dockerfile: "Dockerfile",
        push: true,
        onLog: (line) => lines.push(line),
      }),
    );
    expect(result.digest).toBe(`sha256:${"ab".repeat(32)}`);
    const calls = (await readFile(log, "utf8")).trim().split("\n");
    expect(calls).toEqual([
      "build -t 127.0.0.1:5999/app:1 --build-arg TOKEN=s3cret-value --label owner=tests --target final -f Dockerfile -",
      "push 127.0.0.1:5999/app:1",
    ]);
    const listing = await new Promise<string>((resolve, reject) =>
      execFile("tar", ["-tzf", stdinCopy], (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(listing).toContain("./Dockerfile");
    expect(lines).toContain("Successfully built");
  });
});

const BUILDAH_WORKS = await commandWorks("buildah", ["--version"]);

describe("buildWithEngine with buildah and a real registry", {
  skip: !BUILDAH_WORKS,
  meta: { skipReason: "buildah is not installed or does not run here (test/infra/setup.sh installs it)" },
}, () => {
  let registry: RunningRegistry;
  let storage: { root: string; runroot: string };
  let storageBase: string;

  beforeAll(async () => {
    registry = await startRegistry();
    storageBase = await tempDir("storage");
    storage = {
      root: path.join(storageBase, "root"),
      runroot: path.join(storageBase, "runroot"),
    };
  }, TIMEOUT);
  afterAll(async () => {
    await registry?.stop();
    if (storageBase) await rm(storageBase, { recursive: true, force: true });
  });

  let context: string;
  afterEach(async () => {
    if (context) await rm(context, { recursive: true, force: true });
  });

  it(
    "builds FROM scratch + COPY and pushes; the digest is the registry's",
    async () => {
      context = await tempDir("scratch");
      await writeFile(path.join(context, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
      await writeFile(path.join(context, "hello.txt"), "hello\n");
      const tag = `${registry.hostPort}/engine-test/scratch:v1`;
      const result = await buildWithEngine({
        engine: "buildah",
        contextArchive: tarGz(context),
        tag,
        labels: { "org.example.test": "yes" },
        push: true,
        insecureRegistry: true,
        storage,
      });
      expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await manifestDigest(registry.hostPort, "engine-test/scratch", "v1")).toBe(result.digest);
    },
    TIMEOUT,
  );

  it(
    "builds the hello example (COPY, RUN, .dockerignore) on the busybox base and pushes it",
    async () => {
      const base = await pushBusyboxBase(registry.hostPort);
      const tag = `${registry.hostPort}/engine-test/hello:latest`;
      const lines: string[] = [];
      const result = await buildWithEngine({
        engine: "buildah",
        contextArchive: tarGz(HELLO_CONTEXT),
        tag,
        buildArgs: { BASE_IMAGE: base },
        push: true,
        insecureRegistry: true,
        storage,
        onLog: (line) => lines.push(line),
      });
      expect(lines).toContain("hello from flavorstack"); // the RUN's `cat` ran inside the image
      expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await manifestDigest(registry.hostPort, "engine-test/hello", "latest")).toBe(result.digest);
      expect(await manifestDigest(registry.hostPort, BUSYBOX_REPOSITORY, "latest")).toMatch(/^sha256:/);
    },
    TIMEOUT,
  );

  it(
    "a failing RUN is a BuildError with the exit code and the output's tail, without build-arg values",
    async () => {
      const base = await pushBusyboxBase(registry.hostPort);
      context = await tempDir("failing");
      const lines: string[] = [];
      await writeFile(
        path.join(context, "Dockerfile"),
        `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nARG API_TOKEN\nRUN echo "about to fail" && exit 3\n`,
      );
      const error = await buildWithEngine({
        engine: "buildah",
        contextArchive: tarGz(context),
        tag: `${registry.hostPort}/engine-test/failing:v1`,
        buildArgs: { BASE_IMAGE: base, API_TOKEN: "tok-very-secret-123" },
        push: true,
        insecureRegistry: true,
        storage,
        onLog: (line) => lines.push(line),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuildError);
      const message = (error as Error).message;
      expect(message).toMatch(/buildah .*failed with exit code \d+ while building/);
      expect(message).toContain("about to fail");
      expect(message).not.toContain("tok-very-secret-123");
      expect(lines.join("\n")).not.toContain("tok-very-secret-123");
      expect(lines.find((line) => line.startsWith("$ buildah"))).toContain("--build-arg API_TOKEN=***");
      expect(await manifestDigest(registry.hostPort, "engine-test/failing", "v1")).toBeUndefined();
    },
    TIMEOUT,
  );

  it(
    "an abort signal stops a running build promptly",
    async () => {
      const base = await pushBusyboxBase(registry.hostPort);
      context = await tempDir("abort");
      await writeFile(
        path.join(context, "Dockerfile"),
        `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nRUN echo sleeping && sleep 60\n`,
      );
      const controller = new AbortController();
      const started = Date.now();
      const building = buildWithEngine({
        engine: "buildah",
        contextArchive: tarGz(context),
        tag: `${registry.hostPort}/engine-test/abort:v1`,
        buildArgs: { BASE_IMAGE: base },
        push: true,
        insecureRegistry: true,
        storage,
        signal: controller.signal,
        onLog: (line) => {
          if (line.includes("sleeping")) controller.abort(new Error("user pressed Ctrl-C"));
        },
      });
      const error = await building.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuildError);
      expect((error as Error).message).toContain("aborted");
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(await manifestDigest(registry.hostPort, "engine-test/abort", "v1")).toBeUndefined();
    },
    TIMEOUT,
  );

  it(
    "a context that cannot be archived fails with its own error, and no build runs",
    async () => {
      const failure = new BuildContextError("Cannot read /ctx/secret.txt: permission denied");
      const error = await buildWithEngine({
        engine: "buildah",
        contextArchive: async (sink) => {
          sink.write(Buffer.alloc(10));
          throw failure;
        },
        tag: `${registry.hostPort}/engine-test/broken:v1`,
        push: true,
        insecureRegistry: true,
        storage,
      }).catch((e: unknown) => e);
      expect(error).toBe(failure);
    },
    TIMEOUT,
  );
});

describe("buildWithEngine leaves no temporary context behind", () => {
  it("removes the extracted context after a failed build", async () => {
    const bin = await tempDir("fakebuildah");
    cleanups.push(bin);
    await writeScript(path.join(bin, "buildah"), 'echo "error: boom" >&2; exit 125');
    const tmp = await tempDir("tmp");
    cleanups.push(tmp);
    const context = await tempDir("ctx2");
    cleanups.push(context);
    await mkdir(path.join(context, "sub"));
    await writeFile(path.join(context, "Dockerfile"), "FROM scratch\n");
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const error = await withPath([bin, ...ORIGINAL_PATH.split(path.delimiter)], () =>
        buildWithEngine({
          engine: "buildah",
          contextArchive: tarGz(context),
          tag: "127.0.0.1:5999/x:y",
          push: false,
          storage: {
            root: path.join(tmp, "r"),
            runroot: path.join(tmp, "rr"),
          },
        }).catch((e: unknown) => e),
      );
      expect(error).toBeInstanceOf(BuildError);
      expect((error as Error).message).toContain("exit code 125");
      expect((error as Error).message).toContain("error: boom");
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    expect(await readdir(tmp)).toEqual([]);
  });
});
