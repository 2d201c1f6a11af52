import { type BuildContext, BuildError, type ContainerRegistry } from "@flavorstack/core";
import { KanikoBuildError } from "@flavorstack/kaniko";
import type { ExecutorContext, KubernetesDouble } from "@flavorstack/testing";
import { KANIKO_NAMESPACE, simulatedKaniko } from "@flavorstack/testing/kaniko";
import { manifestDigest, type RunningRegistry } from "@flavorstack/testing/servers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startKanikoBuilder } from "./support/kaniko-builder.js";
import { type KanikoE2eSite, startKanikoE2eSite } from "./support/kaniko-e2e-site.js";

const AWS_SECRET = "wJalrXUtnFEMI-secret-that-must-not-leak";
const DOCKER_CONFIG = JSON.stringify({ auths: { "registry.example": { auth: "dXNlcjpub3QtbG9nZ2Vk" } } });

/** Credentials reach the build pod through the config's env, envFrom, volumes and serviceAccountName. */
describe("kaniko image builder → Kubernetes double: credentials from secrets", () => {
  let site: KanikoE2eSite;
  let registry: RunningRegistry;
  let containerRegistry: ContainerRegistry;
  let scratch: string;
  let tinyContext: BuildContext;
  const clusters: KubernetesDouble[] = [];
  /** What the simulated executor of each pod got from the kubelet. */
  const executed: ExecutorContext[] = [];

  beforeAll(async () => {
    site = await startKanikoE2eSite("secrets");
    ({ registry, containerRegistry, scratch, context: tinyContext } = site);
  });

  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
    executed.length = 0;
  });

  afterAll(async () => {
    await site?.stop();
  });

  async function setup(config: Record<string, unknown>) {
    const started = await startKanikoBuilder(
      scratch,
      {
        executor: (context) => {
          executed.push(context);
          return simulatedKaniko(context);
        },
      },
      config,
    );
    clusters.push(started.cluster);
    return started;
  }

  async function build(builder: Awaited<ReturnType<typeof setup>>["builder"], tag: string, logs: string[] = []) {
    return builder.build(
      `${registry.hostPort}/flavorstack/kaniko-secrets:${tag}`,
      tinyContext,
      { onLog: (line) => logs.push(line) },
      containerRegistry,
    );
  }

  it("env, envFrom and a secret volume reach the executor; nothing secret is logged; no pod is left", async () => {
    const { cluster, builder } = await setup({
      envFrom: [{ secretRef: { name: "kaniko-aws" } }],
      env: [
        { name: "REGISTRY_TOKEN", valueFrom: { secretKeyRef: { name: "kaniko-aws", key: "token" } } },
        { name: "GOOGLE_APPLICATION_CREDENTIALS", value: "/secrets/gcp/key.json" },
      ],
      volumes: [
        {
          name: "docker-config",
          secret: { secretName: "kaniko-docker", items: [{ key: "auth", path: "config.json" }] },
        },
        { name: "gcp-key", secret: { secretName: "kaniko-gcp" } },
      ],
      volumeMounts: [
        { name: "docker-config", mountPath: "/kaniko/.docker" },
        { name: "gcp-key", mountPath: "/secrets/gcp", readOnly: true },
      ],
    });
    cluster.createSecret(KANIKO_NAMESPACE, "kaniko-aws", {
      AWS_ACCESS_KEY_ID: "AKIAFLAVORSTACK",
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      token: "registry-token",
    });
    cluster.createSecret(KANIKO_NAMESPACE, "kaniko-docker", { auth: DOCKER_CONFIG });
    cluster.createSecret(KANIKO_NAMESPACE, "kaniko-gcp", { "key.json": '{"type":"service_account"}' });

    const logs: string[] = [];
    const image = await build(builder, "with-secrets", logs);
    expect(await manifestDigest(registry.hostPort, "flavorstack/kaniko-secrets", "with-secrets")).toBe(image.digest);

    expect(executed).toHaveLength(1);
    const { env, files } = (executed[0] as ExecutorContext).container;
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: "AKIAFLAVORSTACK",
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      REGISTRY_TOKEN: "registry-token",
      GOOGLE_APPLICATION_CREDENTIALS: "/secrets/gcp/key.json",
    });
    expect(files["/kaniko/.docker/config.json"]?.toString("utf8")).toBe(DOCKER_CONFIG);
    expect(files[env.GOOGLE_APPLICATION_CREDENTIALS as string]?.toString("utf8")).toBe('{"type":"service_account"}');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join("\n")).not.toContain(AWS_SECRET);
    expect(cluster.pods()).toEqual([]);
  });

  it("envFrom naming a missing secret: a CreateContainerConfigError that names it and says how to fix it; no pod left", async () => {
    const { cluster, builder } = await setup({ envFrom: [{ secretRef: { name: "kaniko-aws" } }] });
    const error = await build(builder, "missing-secret").then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KanikoBuildError);
    const { message, reason, events } = error as KanikoBuildError;
    expect(reason).toBe("CreateContainerConfigError");
    expect(message).toMatch(
      /^The build pod zenml-kaniko\/kaniko-build-[0-9a-f]{8} cannot start: CreateContainerConfigError \(secret "kaniko-aws" not found\)\. The secret 'kaniko-aws' that the builder's 'env' or 'envFrom' names does not exist in namespace 'zenml-kaniko': create it there \(`kubectl --context flavorstack-double -n zenml-kaniko create secret generic kaniko-aws/,
    );
    expect(events.join("\n")).toContain('Error: secret "kaniko-aws" not found');
    expect(executed).toEqual([]);
    expect(cluster.pods()).toEqual([]);
  });

  it("a secret volume naming a missing secret: the pod never runs, the error shows the FailedMount event; no pod left", async () => {
    const { cluster, builder } = await setup({
      podRunningTimeout: 1,
      volumes: [{ name: "docker-config", secret: { secretName: "kaniko-docker" } }],
      volumeMounts: [{ name: "docker-config", mountPath: "/kaniko/.docker" }],
    });
    const error = await build(builder, "missing-volume").then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KanikoBuildError);
    const { message, reason, events } = error as KanikoBuildError;
    expect(reason).toBe("PodRunningTimeout");
    expect(message).toMatch(
      /was not running after 1 s \(podRunningTimeout\): phase Pending, container waiting: ContainerCreating/,
    );
    expect(events.join("\n")).toContain(
      'Warning FailedMount: MountVolume.SetUp failed for volume "docker-config" : secret "kaniko-docker" not found',
    );
    expect(executed).toEqual([]);
    expect(cluster.pods()).toEqual([]);
  });

  it("serviceAccountName naming a missing service account: refused at creation with what to do; builds once it exists", async () => {
    const { cluster, builder } = await setup({ serviceAccountName: "kaniko-builder" });
    const error = await build(builder, "missing-account").then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BuildError);
    expect((error as Error).message).toMatch(
      /^Creating the build pod zenml-kaniko\/kaniko-build-[0-9a-f]{8} failed: HTTP 403 \(Forbidden\): .*serviceaccount "kaniko-builder" not found\. The service account 'kaniko-builder' \('serviceAccountName'\) does not exist in namespace 'zenml-kaniko': create it/,
    );
    expect(cluster.pods()).toEqual([]);

    cluster.createServiceAccount(KANIKO_NAMESPACE, "kaniko-builder");
    const image = await build(builder, "with-account");
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(executed[0]?.pod.spec.serviceAccountName).toBe("kaniko-builder");
    expect(cluster.pods()).toEqual([]);
  });
});
