import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { BuildContext, ContainerRegistry, Logger } from "@flavorstack/core";
import type { ArtifactStore } from "@flavorstack/core/plugin";
import { KanikoBuildError } from "@flavorstack/kaniko";
import { S3ArtifactStoreFlavor } from "@flavorstack/s3";
import type { ExecutorContext, ExecutorResult, KubernetesDouble, KubernetesDoubleOptions } from "@flavorstack/testing";
import { KANIKO_NAMESPACE, simulatedKaniko } from "@flavorstack/testing/kaniko";
import type { RunningRegistry } from "@flavorstack/testing/servers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startKanikoBuilder } from "./support/kaniko-builder.js";
import { type KanikoE2eSite, startKanikoE2eSite } from "./support/kaniko-e2e-site.js";

/** Values a user needs to read in the build's output. */
const BASE_IMAGE = "registry.example.com/base/python:3.12-slim";
const VERSION = "1.2.3";
/** Secret values, each reaching the build another way; none may show anywhere. */
const ENV_FROM_SECRET = "postgres://app:envfrom-secret-7d1f@db.internal/app";
const VALUE_FROM_SECRET = "valuefrom-secret-9c2e";
const BUILD_ARG_TOKEN = "npm-build-arg-token-5a1b";
const KUBECONFIG_TOKEN = "kubeconfig-token-3e8f";
const STORE_SECRET = "store-secret-access-key-41c0";
const SECRETS = [ENV_FROM_SECRET, VALUE_FROM_SECRET, BUILD_ARG_TOKEN, KUBECONFIG_TOKEN, STORE_SECRET];

/**
 * What a careless Dockerfile step or a verbose executor prints: every variable of the container and every
 * argument, and on failure the same lines as the termination message (the kubelet's FallbackToLogsOnError).
 */
function printEverything(context: ExecutorContext): string[] {
  const { env, args } = context.container;
  return [
    ...Object.entries(env)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => `env ${name}=${value}`),
    `args ${args.join(" ")}`,
    `auth Bearer ${KUBECONFIG_TOKEN}`,
  ];
}

const leakyKaniko = async (context: ExecutorContext): Promise<ExecutorResult> => {
  for (const line of printEverything(context)) context.log(line);
  return simulatedKaniko(context);
};

const leakyFailingKaniko = async (context: ExecutorContext): Promise<ExecutorResult> => {
  for await (const _chunk of context.stdin) {
    // the context is read, as kaniko would, before the failing step
  }
  const lines = printEverything(context);
  for (const line of lines) context.log(line, "stderr");
  return { exitCode: 1, terminationMessage: [...lines, `error building image: step failed`].join("\n") };
};

function recordingLogger(lines: string[]): Logger {
  const record = (message: string) => lines.push(message);
  return { debug: record, info: record, warn: record };
}

/** Every text a failed build shows: message, log tail, events, stack, and its causes' messages and bodies. */
function everythingShown(error: unknown): string {
  const shown: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    shown.push(current.message, String(current.stack));
    const body = (current as { body?: unknown }).body;
    if (typeof body === "string") shown.push(body);
    current = current.cause;
  }
  if (error instanceof KanikoBuildError) shown.push(...error.logTail, ...error.events);
  return shown.join("\n");
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe("kaniko image builder → Kubernetes double: only secret values are redacted", () => {
  let site: KanikoE2eSite;
  let registry: RunningRegistry;
  let containerRegistry: ContainerRegistry;
  let artifactStore: ArtifactStore;
  let scratch: string;
  let tinyContext: BuildContext;
  const clusters: KubernetesDouble[] = [];

  beforeAll(async () => {
    site = await startKanikoE2eSite("redaction");
    ({ registry, containerRegistry, scratch, context: tinyContext } = site);
    // Never contacted (the context goes over stdin): its `secret` field is writeOnly in the s3 flavor's schema.
    artifactStore = await S3ArtifactStoreFlavor.createComponent({
      name: "s3-store",
      config: { path: "s3://flavorstack-redaction", key: "AKIAREDACTIONTEST", secret: STORE_SECRET },
    });
  });

  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
  });

  afterAll(async () => {
    await site?.stop();
  });

  let started = 0;

  /** A double running `executor`, and a builder whose kubeconfig carries {@link KUBECONFIG_TOKEN} as its token. */
  async function setup(executor: KubernetesDoubleOptions["executor"], faults: KubernetesDoubleOptions["faults"] = {}) {
    const logged: string[] = [];
    started += 1;
    const kubeconfigPath = path.join(scratch, `kubeconfig-with-token-${started}`);
    const { cluster, builder } = await startKanikoBuilder(
      scratch,
      { executor, faults },
      {
        env: [
          { name: "BASE_IMAGE", value: BASE_IMAGE },
          { name: "S3_FORCE_PATH_STYLE", value: "true" },
          { name: "MIRROR_LOGIN", valueFrom: { secretKeyRef: { name: "mirror", key: "login" } } },
          // The store's secret under a harmless name: hidden because the s3 flavor marks `secret` writeOnly.
          { name: "STORE_ACCESS", value: STORE_SECRET },
        ],
        envFrom: [{ secretRef: { name: "build-env" } }],
      },
      { logger: recordingLogger(logged), kubeconfigPath },
    );
    clusters.push(cluster);
    await writeFile(kubeconfigPath, cluster.kubeconfig.replace("flavorstack-double-token", KUBECONFIG_TOKEN));
    cluster.createSecret(KANIKO_NAMESPACE, "build-env", { DATABASE_URL: ENV_FROM_SECRET });
    cluster.createSecret(KANIKO_NAMESPACE, "mirror", { login: VALUE_FROM_SECRET });
    const logs: string[] = [];
    const build = (tag: string) =>
      builder.build(
        `${registry.hostPort}/flavorstack/kaniko-redaction:${tag}`,
        tinyContext,
        { onLog: (line) => logs.push(line), buildArgs: { NPM_TOKEN: BUILD_ARG_TOKEN, VERSION }, artifactStore },
        containerRegistry,
      );
    return { cluster, build, logs, logged };
  }

  async function failure(promise: Promise<unknown>): Promise<KanikoBuildError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KanikoBuildError);
    return error as KanikoBuildError;
  }

  it("a build's log shows BASE_IMAGE, S3_FORCE_PATH_STYLE and plain build args, and no secret value; no pod left", async () => {
    const { cluster, build, logs, logged } = await setup(leakyKaniko);
    const image = await build("readable");
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const log = logs.join("\n");
    expect(log).toContain(`env BASE_IMAGE=${BASE_IMAGE}`);
    expect(log).toContain("env S3_FORCE_PATH_STYLE=true");
    expect(log).toContain(`--build-arg VERSION=${VERSION}`);
    expect(log).toContain("--build-arg NPM_TOKEN=***");
    expect(log).toContain("env DATABASE_URL=***");
    expect(log).toContain("env MIRROR_LOGIN=***");
    expect(log).toContain("env STORE_ACCESS=***");
    expect(log).toContain("auth Bearer ***");
    expectNoSecret(log);
    expectNoSecret(logged.join("\n"));
    expect(cluster.pods()).toEqual([]);
  });

  it("a failed build's error and log tail show BASE_IMAGE and no secret value; no pod left", async () => {
    const { cluster, build, logs } = await setup(leakyFailingKaniko);
    const error = await failure(build("failing"));
    expect(error.exitCode).toBe(1);
    const shown = everythingShown(error);
    expect(shown).toContain(`env BASE_IMAGE=${BASE_IMAGE}`);
    expect(shown).toContain("env S3_FORCE_PATH_STYLE=true");
    expect(shown).toContain("env DATABASE_URL=***");
    expectNoSecret(shown);
    expectNoSecret(logs.join("\n"));
    expect(cluster.pods()).toEqual([]);
  });

  it("without log access, the termination message stands in for the log tail, secrets hidden; no pod left", async () => {
    const { cluster, build, logs } = await setup(leakyFailingKaniko, { apiErrors: [{ verb: "log", status: 403 }] });
    const error = await failure(build("no-log-access"));
    expect(logs).toEqual([]);
    expect(error.logTail).toContain(`env BASE_IMAGE=${BASE_IMAGE}`);
    expect(error.logTail).toContain("env MIRROR_LOGIN=***");
    expectNoSecret(everythingShown(error));
    expect(cluster.pods()).toEqual([]);
  });

  it("an API error that echoes the pod spec hides the secret values and keeps the rest; no pod left", async () => {
    const echoed = `Pod "x" is invalid: spec.containers[0].args: --build-arg NPM_TOKEN=${BUILD_ARG_TOKEN} --build-arg VERSION=${VERSION}; env BASE_IMAGE=${BASE_IMAGE}, STORE_ACCESS=${STORE_SECRET}; Authorization: Bearer ${KUBECONFIG_TOKEN}`;
    const { cluster, build } = await setup(leakyKaniko, {
      apiErrors: [{ verb: "create", status: 422, reason: "Invalid", message: echoed, times: 1 }],
    });
    const error = await build("refused").then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    const shown = everythingShown(error);
    expect(shown).toContain(`env BASE_IMAGE=${BASE_IMAGE}`);
    expect(shown).toContain(`--build-arg VERSION=${VERSION}`);
    expect(shown).toContain("--build-arg NPM_TOKEN=***");
    expectNoSecret(shown);
    expect(cluster.pods()).toEqual([]);
  });
});
