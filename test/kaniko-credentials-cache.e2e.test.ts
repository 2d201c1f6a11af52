import { type BuildContext, BuildError, ConfigError, type ContainerRegistry } from "@flavorstack/core";
import type { ExecutorContext, KubernetesDouble, KubernetesDoubleFaults } from "@flavorstack/testing";
import { createSimulatedKaniko, KANIKO_NAMESPACE } from "@flavorstack/testing/kaniko";
import { manifestDigest, type RunningRegistry } from "@flavorstack/testing/servers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startKanikoBuilder } from "./support/kaniko-builder.js";
import { type KanikoE2eSite, startKanikoE2eSite } from "./support/kaniko-e2e-site.js";

const REGISTRY_PASSWORD = "registry-password-that-must-not-leak";
const DOCKER_CONFIG = JSON.stringify({ auths: { "registry.example": { username: "u", password: REGISTRY_PASSWORD } } });
/** The simulated executor without buildah: the Dockerfile's RUN is recorded (and cached), not run. */
const executorWithoutBuildah = createSimulatedKaniko({ buildah: "never" });

/** `dockerConfigSecret` and `cache`, first-class: what reaches the executor, and every refusal before a pod exists. */
describe("kaniko image builder → Kubernetes double: registry credentials and layer cache", () => {
  let site: KanikoE2eSite;
  let registry: RunningRegistry;
  let containerRegistry: ContainerRegistry;
  let scratch: string;
  let context: BuildContext;
  const clusters: KubernetesDouble[] = [];
  const executed: ExecutorContext[] = [];

  beforeAll(async () => {
    site = await startKanikoE2eSite("credentials-cache", {
      contextDir: "app",
      files: {
        Dockerfile: "FROM scratch\nCOPY app.txt /app.txt\nRUN make install\n",
        "app.txt": "hello from the kaniko credentials and cache e2e test\n",
      },
    });
    ({ registry, containerRegistry, scratch, context: context } = site);
  });

  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
    executed.length = 0;
  });

  afterAll(async () => {
    await site?.stop();
  });

  async function setup(config: Record<string, unknown>, faults: KubernetesDoubleFaults = {}) {
    const started = await startKanikoBuilder(
      scratch,
      {
        faults,
        executor: (executor) => {
          executed.push(executor);
          return executorWithoutBuildah(executor);
        },
      },
      config,
    );
    clusters.push(started.cluster);
    return started;
  }

  const imageName = (tag: string) => `${registry.hostPort}/flavorstack/kaniko-app:${tag}`;

  async function build(builder: Awaited<ReturnType<typeof setup>>["builder"], tag: string, logs: string[] = []) {
    return builder.build(imageName(tag), context, { onLog: (line) => logs.push(line) }, containerRegistry);
  }

  async function buildFailure(builder: Awaited<ReturnType<typeof setup>>["builder"], tag: string) {
    return build(builder, tag).then(
      () => {
        throw new Error("the build should have failed");
      },
      (caught: unknown) => caught as Error,
    );
  }

  describe("dockerConfigSecret", () => {
    it("is mounted as /kaniko/.docker/config.json; the secret's content is never logged; no pod left", async () => {
      const { cluster, builder } = await setup({ dockerConfigSecret: "regcred" });
      cluster.createSecret(
        KANIKO_NAMESPACE,
        "regcred",
        { ".dockerconfigjson": DOCKER_CONFIG },
        "kubernetes.io/dockerconfigjson",
      );
      const logs: string[] = [];
      const image = await build(builder, "with-credentials", logs);
      expect(await manifestDigest(registry.hostPort, "flavorstack/kaniko-app", "with-credentials")).toBe(image.digest);
      const { files } = (executed[0] as ExecutorContext).container;
      expect(files["/kaniko/.docker/config.json"]?.toString("utf8")).toBe(DOCKER_CONFIG);
      expect(executed[0]?.pod.spec.containers[0]?.volumeMounts).toContainEqual({
        name: "flavorstack-docker-config",
        mountPath: "/kaniko/.docker",
        readOnly: true,
      });
      expect(logs.join("\n")).not.toContain(REGISTRY_PASSWORD);
      expect(cluster.pods()).toEqual([]);
    });

    it("a missing secret: refused before any pod, with the kubectl create secret docker-registry command", async () => {
      const { cluster, builder } = await setup({ dockerConfigSecret: "regcred" });
      const error = await buildFailure(builder, "missing-secret");
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(
        `The secret 'regcred' (dockerConfigSecret) does not exist in namespace 'zenml-kaniko' of context 'flavorstack-double'. Create it with \`kubectl --context flavorstack-double -n zenml-kaniko create secret docker-registry regcred --docker-server=${registry.hostPort} --docker-username=<user> --docker-password=<password or token>\`, or fix 'dockerConfigSecret'.`,
      );
      expect(executed).toEqual([]);
      expect(cluster.pods()).toEqual([]);
    });

    it("a secret of the wrong type: refused before any pod, without its content in the message", async () => {
      const { cluster, builder } = await setup({ dockerConfigSecret: "regcred" });
      cluster.createSecret(KANIKO_NAMESPACE, "regcred", { "config.json": DOCKER_CONFIG });
      const error = await buildFailure(builder, "wrong-type");
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(
        /is of type 'Opaque', not 'kubernetes\.io\/dockerconfigjson'\. Make one of that type with `kubectl/,
      );
      expect(error.message).not.toContain(REGISTRY_PASSWORD);
      expect(executed).toEqual([]);
      expect(cluster.pods()).toEqual([]);
    });

    it("a secret the user may not read: refused before any pod, naming the permission", async () => {
      const { cluster, builder } = await setup(
        { dockerConfigSecret: "regcred" },
        { apiErrors: [{ verb: "get-secret", status: 403, name: "regcred" }] },
      );
      cluster.createSecret(
        KANIKO_NAMESPACE,
        "regcred",
        { ".dockerconfigjson": DOCKER_CONFIG },
        "kubernetes.io/dockerconfigjson",
      );
      const error = await buildFailure(builder, "unreadable");
      expect(error).toBeInstanceOf(BuildError);
      expect(error.message).toMatch(
        /^Cannot read the secret 'regcred' \(dockerConfigSecret\) .* needs get on that secret/,
      );
      expect(executed).toEqual([]);
      expect(cluster.pods()).toEqual([]);
    });

    it("beside a hand-made mount at /kaniko/.docker: a config error", async () => {
      await expect(
        setup({
          dockerConfigSecret: "regcred",
          volumes: [{ name: "docker-config", secret: { secretName: "regcred" } }],
          volumeMounts: [{ name: "docker-config", mountPath: "/kaniko/.docker" }],
        }),
      ).rejects.toThrow(/dockerConfigSecret mounts \/kaniko\/\.docker: remove this volume mount/);
    });
  });

  describe("cache", () => {
    it("passes --cache=true --cache-repo=<destination>/cache [--cache-ttl]; the second build of an unchanged Dockerfile hits the cache", async () => {
      const { cluster, builder } = await setup({ cache: { enabled: true, ttl: "6h" } });
      const first: string[] = [];
      await build(builder, "cache-1", first);
      const args = executed[0]?.container.args ?? [];
      expect(args).toContain("--cache=true");
      expect(args).toContain(`--cache-repo=${registry.hostPort}/flavorstack/kaniko-app/cache`);
      expect(args).toContain("--cache-ttl=6h");
      expect(first).toContain("INFO No cached layer found for cmd RUN make install");
      expect(first).not.toContainEqual(expect.stringMatching(/Using caching version/));

      const second: string[] = [];
      await build(builder, "cache-2", second);
      expect(second).toContain("INFO Using caching version of cmd: RUN make install");
      expect(cluster.pods()).toEqual([]);
    });

    it("executorArgs wins where it sets a flag by hand", async () => {
      const { cluster, builder } = await setup({
        cache: { enabled: true },
        executorArgs: [`--cache-repo=${registry.hostPort}/shared/cache`],
      });
      await build(builder, "hand-repo");
      const args = executed[0]?.container.args ?? [];
      expect(args.filter((arg) => arg.startsWith("--cache-repo"))).toEqual([
        `--cache-repo=${registry.hostPort}/shared/cache`,
      ]);
      expect(args).toContain("--cache=true");
      expect(cluster.pods()).toEqual([]);
    });

    it("a conflict between cache and executorArgs is a config error", async () => {
      await expect(setup({ cache: { enabled: true }, executorArgs: ["--cache=false"] })).rejects.toThrow(
        /cache\.enabled is true but executorArgs has --cache=false: set it in one place only/,
      );
    });

    it("a cache repository outside the stack's registry: refused before any pod", async () => {
      const { cluster, builder } = await setup({ cache: { enabled: true, repository: "elsewhere.example.com/cache" } });
      const error = await buildFailure(builder, "outside");
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(
        /^The cache repository 'elsewhere\.example\.com\/cache' \(cache\.repository\) is not in container registry 'registry'/,
      );
      expect(executed).toEqual([]);
      expect(cluster.pods()).toEqual([]);
    });
  });
});
