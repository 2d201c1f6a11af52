import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import {
  BuildContext,
  BuildError,
  type BuildOptions,
  ImageReference,
  type Logger,
  silentLogger,
} from "@flavorstack/core";
import {
  type Executor,
  type KubernetesDouble,
  type KubernetesDoubleOptions,
  startKubernetesDouble,
} from "@flavorstack/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KanikoBuildError } from "../kaniko-build-error.js";
import { type KanikoImageBuilderConfigInput, kanikoImageBuilderConfigSchema } from "../kaniko-image-builder-config.js";
import { LeanKubeConfig } from "../kube/lean-kube-config.js";
import { KanikoBuildSession } from "./kaniko-build-session.js";
import { STDIN_CONTEXT_SOURCE } from "./kaniko-pod-spec.js";

const NAMESPACE = "builds";
const DESTINATION = ImageReference.parse("registry.example.com/team/app:v1");

/** Reads the whole context from stdin and reports a push of its sha256, as kaniko's digest file would. */
const digestOfStdin: Executor = async ({ stdin, log }) => {
  const hash = createHash("sha256");
  let first: number | undefined;
  for await (const chunk of stdin) {
    first ??= (chunk as Buffer)[0];
    hash.update(chunk as Buffer);
  }
  // A gzip stream starts with 0x1f 0x8b.
  if (first !== 0x1f) return { exitCode: 1, terminationMessage: "not gzip" };
  log("INFO Pushed");
  return { exitCode: 0, terminationMessage: `${DESTINATION.name}@sha256:${hash.digest("hex")}\n` };
};

let scratch: string;
let buildContext: BuildContext;
let cluster: KubernetesDouble | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "kaniko-session-"));
  await writeFile(path.join(scratch, "Dockerfile"), "FROM scratch\nCOPY a.txt /a.txt\n");
  await writeFile(path.join(scratch, "a.txt"), "a\n");
  buildContext = new BuildContext({ root: scratch, logger: silentLogger });
});
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function openSession(
  double: KubernetesDoubleOptions,
  options: { config?: Partial<KanikoImageBuilderConfigInput>; build?: BuildOptions; logger?: Logger } = {},
): Promise<{ cluster: KubernetesDouble; session: KanikoBuildSession }> {
  cluster = await startKubernetesDouble({ namespaces: [NAMESPACE], executor: digestOfStdin, ...double });
  const kubeconfig = cluster.kubeconfig;
  const config = kanikoImageBuilderConfigSchema.parse({
    kubernetesContext: cluster.contextName,
    kubernetesNamespace: NAMESPACE,
    ...options.config,
  });
  const session = new KanikoBuildSession({
    config,
    destination: DESTINATION,
    build: options.build ?? {},
    logger: options.logger ?? silentLogger,
    loadKubeConfig: async () => LeanKubeConfig.fromString(kubeconfig),
    handleProcessSignals: false,
  });
  return { cluster, session };
}

/** The steps as `KanikoImageBuilder.build()` takes them, with the context over stdin. */
async function runSteps(session: KanikoBuildSession): Promise<ImageReference> {
  try {
    await session.connect();
    await session.createPod(STDIN_CONTEXT_SOURCE);
    await session.waitUntilRunning();
    await session.streamContext(buildContext);
    return await session.result(await session.waitForEnd());
  } catch (error) {
    throw session.explain(error);
  } finally {
    await session.close();
  }
}

function failureOf(work: Promise<unknown>): Promise<Error> {
  return work.then(
    () => {
      throw new Error("expected the build to fail");
    },
    (error: unknown) => error as Error,
  );
}

describe("KanikoBuildSession against the Kubernetes double", () => {
  it("runs the steps: a pod, the streamed context, the digest of what the executor read; close() deletes the pod", async () => {
    const { cluster, session } = await openSession({ executor: digestOfStdin });
    await session.connect();
    await session.createPod(STDIN_CONTEXT_SOURCE);
    expect(cluster.pods(NAMESPACE).map((pod) => `${NAMESPACE}/${pod.metadata.name}`)).toEqual([session.pod]);
    await session.waitUntilRunning();
    await session.streamContext(buildContext);
    const image = await session.result(await session.waitForEnd());
    await session.close();

    const archive = await buildContext.writeArchive(
      new Writable({ write: (_chunk, _encoding, callback) => callback() }),
      {
        gzip: true,
      },
    );
    expect(image.toString()).toBe(`${DESTINATION.name}:v1@sha256:${archive.sha256}`);
    expect(cluster.pods()).toEqual([]);
  });

  it("a failed executor: KanikoBuildError with exit code, reason and log tail; the pod is deleted", async () => {
    const { cluster, session } = await openSession({
      executor: async ({ stdin, log }) => {
        stdin.resume();
        log("step 1/2");
        log("error building image: RUN make: exit status 2", "stderr");
        return { exitCode: 2 };
      },
    });
    const error = await failureOf(runSteps(session));
    expect(error).toBeInstanceOf(KanikoBuildError);
    const failure = error as KanikoBuildError;
    expect(failure.exitCode).toBe(2);
    expect(failure.reason).toBe("Error");
    expect(failure.pod).toBe(session.pod);
    expect(failure.logTail.join("\n")).toContain("RUN make: exit status 2");
    expect(cluster.pods()).toEqual([]);
  });

  it("a pod that cannot start fails early with its events; the pod is deleted", async () => {
    const { cluster, session } = await openSession({ faults: { imagePullError: {} } });
    const error = await failureOf(runSteps(session));
    expect(error).toBeInstanceOf(KanikoBuildError);
    expect(error.message).toMatch(/cannot start: (ErrImagePull|ImagePullBackOff).*cannot pull the executor image/s);
    expect((error as KanikoBuildError).events.length).toBeGreaterThan(0);
    expect(cluster.pods()).toEqual([]);
  });

  it("a pod not running within podRunningTimeout: a timeout error; the pod is deleted", async () => {
    const { cluster, session } = await openSession(
      { faults: { slowStart: { ms: 30_000 } } },
      { config: { podRunningTimeout: 1 } },
    );
    const error = await failureOf(runSteps(session));
    expect(error).toBeInstanceOf(KanikoBuildError);
    expect((error as KanikoBuildError).reason).toBe("PodRunningTimeout");
    expect(cluster.pods()).toEqual([]);
  });

  it("the build's abort signal ends the wait: explain() says aborted, with the reason as cause; the pod is deleted", async () => {
    const controller = new AbortController();
    const { cluster, session } = await openSession(
      { faults: { slowStart: { ms: 30_000 } } },
      { build: { signal: controller.signal } },
    );
    const running = failureOf(runSteps(session));
    await cluster.waitForPodCount(1);
    controller.abort(new Error("user cancelled"));
    const error = await running;
    expect(error).toBeInstanceOf(BuildError);
    expect(error.message).toBe(`The build of ${DESTINATION} was aborted.`);
    expect((error.cause as Error).message).toBe("user cancelled");
    expect(cluster.pods()).toEqual([]);
  });

  it("an already aborted signal: nothing is created", async () => {
    const { cluster, session } = await openSession(
      { executor: digestOfStdin },
      { build: { signal: AbortSignal.abort() } },
    );
    const error = await failureOf(runSteps(session));
    expect(error.message).toMatch(/was aborted/);
    expect(cluster.pods()).toEqual([]);
  });

  it("a refused create leaves nothing to delete and says which permissions are needed", async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message: string) => warnings.push(message) };
    // A delete would fail (and warn): there must be none.
    const { cluster, session } = await openSession(
      {
        executor: digestOfStdin,
        faults: {
          apiErrors: [
            { verb: "create", status: 403 },
            { verb: "delete", status: 500 },
          ],
        },
      },
      { logger },
    );
    const error = await failureOf(runSteps(session));
    expect(error).toBeInstanceOf(BuildError);
    expect(error.message).toMatch(/Creating the build pod builds\/kaniko-build-[0-9a-f]{8} failed: HTTP 403/);
    expect(error.message).toMatch(/needs create, get, watch and delete on pods/);
    expect(warnings).toEqual([]);
    expect(cluster.pods()).toEqual([]);
  });

  it("a delete that keeps failing is retried, then reported with the kubectl command that deletes the pod", async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message: string) => warnings.push(message) };
    const { cluster, session } = await openSession(
      { executor: digestOfStdin, faults: { apiErrors: [{ verb: "delete", status: 500 }] } },
      { logger },
    );
    await runSteps(session);
    expect(cluster.pods(NAMESPACE)).toHaveLength(1);
    expect(warnings.join("\n")).toMatch(
      new RegExp(
        `Could not delete the kaniko build pod ${session.pod}: HTTP 500.*kubectl --context ${cluster.contextName} -n ${NAMESPACE} delete pod kaniko-build-`,
      ),
    );
  });

  it("keeps the config's env values out of errors", async () => {
    const secret = "s3cr3t-value-that-must-not-leak";
    const { session } = await openSession(
      { faults: { exitCode: { code: 1, message: `failed with ${secret}` } } },
      { config: { env: [{ name: "PASSWORD", value: secret }] } },
    );
    const error = await failureOf(runSteps(session));
    expect(error).toBeInstanceOf(KanikoBuildError);
    expect(error.message).not.toContain(secret);
  });

  it("the steps need connect() first", async () => {
    const { session } = await openSession({ executor: digestOfStdin });
    await expect(session.createPod(STDIN_CONTEXT_SOURCE)).rejects.toThrow(
      /connect\(\) must come before the other steps/,
    );
    await session.close();
  });
});
