import { describe, expect, it } from "vitest";
import {
  DEFAULT_KANIKO_EXECUTOR_IMAGE,
  KANIKO_CONFIG_ALIASES,
  kanikoImageBuilderConfigSchema,
} from "./kaniko-image-builder-config.js";
import { KanikoImageBuilderFlavor } from "./kaniko-image-builder-flavor.js";

const parse = (input: unknown) => kanikoImageBuilderConfigSchema.parse(input);
const issues = (input: unknown) => {
  const result = kanikoImageBuilderConfigSchema.safeParse(input);
  if (result.success) throw new Error("expected a failure");
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("kanikoImageBuilderConfigSchema", () => {
  it("fills ZenML's defaults and a pinned, maintained executor image", () => {
    expect(parse({ kubernetesContext: "prod" })).toEqual({
      kubernetesContext: "prod",
      kubernetesNamespace: "zenml-kaniko",
      executorImage: DEFAULT_KANIKO_EXECUTOR_IMAGE,
      podRunningTimeout: 300,
      watchTimeoutSeconds: 240,
      env: [],
      envFrom: [],
      volumeMounts: [],
      volumes: [],
      storeContextInArtifactStore: false,
      executorArgs: [],
      activeDeadlineSeconds: 7200,
      scaleUpGraceSeconds: 30,
    });
    expect(DEFAULT_KANIKO_EXECUTOR_IMAGE).toMatch(/^ghcr\.io\/osscontainertools\/kaniko:v\d+\.\d+\.\d+$/);
  });

  it("requires kubernetesContext", () => {
    expect(issues({})).toEqual([expect.stringMatching(/^kubernetesContext: the Kubernetes context .* is required/)]);
    expect(issues({ kubernetesContext: "  " })[0]).toMatch(/^kubernetesContext:/);
  });

  it("accepts every field", () => {
    const config = parse({
      kubernetesContext: "prod",
      kubernetesNamespace: "builds",
      executorImage: "registry.example.com/kaniko:v1",
      podRunningTimeout: 60,
      env: [
        { name: "AWS_REGION", value: "eu-west-1" },
        { name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
      ],
      envFrom: [{ secretRef: { name: "registry" } }],
      volumeMounts: [{ name: "docker-config", mountPath: "/kaniko/.docker" }],
      volumes: [{ name: "docker-config", secret: { secretName: "regcred" } }],
      serviceAccountName: "kaniko",
      storeContextInArtifactStore: true,
      executorArgs: ["--compressed-caching=false"],
      activeDeadlineSeconds: 600,
    });
    expect(config.kubernetesNamespace).toBe("builds");
    expect(config.executorImage).toBe("registry.example.com/kaniko:v1");
    expect(config.podRunningTimeout).toBe(60);
    expect(config.env[1]).toEqual({ name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "k" } } });
    expect(config.envFrom).toEqual([{ secretRef: { name: "registry" } }]);
    expect(config.volumeMounts[0]).toEqual({ name: "docker-config", mountPath: "/kaniko/.docker" });
    expect(config.volumes[0]).toEqual({ name: "docker-config", secret: { secretName: "regcred" } });
    expect(config.serviceAccountName).toBe("kaniko");
    expect(config.storeContextInArtifactStore).toBe(true);
    expect(config.executorArgs).toEqual(["--compressed-caching=false"]);
    expect(config.activeDeadlineSeconds).toBe(600);
  });

  it("refuses invalid values", () => {
    expect(issues({ kubernetesContext: "c", podRunningTimeout: 0 })[0]).toMatch(/^podRunningTimeout:/);
    expect(issues({ kubernetesContext: "c", podRunningTimeout: 1.5 })[0]).toMatch(/^podRunningTimeout:/);
    expect(issues({ kubernetesContext: "c", watchTimeoutSeconds: 0 })[0]).toMatch(/^watchTimeoutSeconds:/);
    expect(issues({ kubernetesContext: "c", watchTimeoutSeconds: 7200 })[0]).toMatch(/^watchTimeoutSeconds:/);
    expect(issues({ kubernetesContext: "c", kubernetesNamespace: "Bad_NS" })[0]).toMatch(/^kubernetesNamespace:/);
    expect(issues({ kubernetesContext: "c", env: [{ value: "x" }] })[0]).toMatch(/^env\.0\.name:/);
    expect(issues({ kubernetesContext: "c", volumeMounts: [{ name: "v" }] })[0]).toMatch(
      /^volumeMounts\.0\.mountPath:/,
    );
    expect(issues({ kubernetesContext: "c", executorArgs: "--x" })[0]).toMatch(/^executorArgs:/);
    expect(issues({ kubernetesContext: "c", storeContextInArtifactStore: "yes" })[0]).toMatch(
      /^storeContextInArtifactStore:/,
    );
    expect(issues({ kubernetesContext: "c", unknownField: 1 })).toHaveLength(1);
  });

  it("accepts ZenML's snake_case names", () => {
    const config = parse({
      kubernetes_context: "prod",
      kubernetes_namespace: "builds",
      executor_image: "example.com/kaniko:v2",
      pod_running_timeout: 30,
      env_from: [{ configMapRef: { name: "c" } }],
      volume_mounts: [{ name: "v", mountPath: "/v" }],
      service_account_name: "sa",
      store_context_in_artifact_store: true,
      executor_args: ["--verbosity=debug"],
    });
    expect(config).toMatchObject({
      kubernetesContext: "prod",
      kubernetesNamespace: "builds",
      executorImage: "example.com/kaniko:v2",
      podRunningTimeout: 30,
      envFrom: [{ configMapRef: { name: "c" } }],
      volumeMounts: [{ name: "v", mountPath: "/v" }],
      serviceAccountName: "sa",
      storeContextInArtifactStore: true,
      executorArgs: ["--verbosity=debug"],
    });
    for (const [alias, name] of Object.entries(KANIKO_CONFIG_ALIASES)) {
      expect(alias).toBe(name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));
    }
  });

  it("refuses a field given under both names", () => {
    expect(issues({ kubernetesContext: "a", kubernetes_context: "b" })).toEqual([
      "kubernetesContext: given twice, as 'kubernetesContext' and as 'kubernetes_context': keep one",
    ]);
  });

  it("gives the flavor a JSON Schema of the camelCase fields", () => {
    const schema = KanikoImageBuilderFlavor.jsonSchema() as {
      properties: Record<string, { default?: unknown }>;
      required: string[];
    };
    expect(schema.required).toEqual(["kubernetesContext"]);
    expect(schema.properties.kubernetesNamespace?.default).toBe("zenml-kaniko");
    expect(schema.properties.podRunningTimeout?.default).toBe(300);
    expect(Object.keys(schema.properties)).toContain("storeContextInArtifactStore");
  });

  it("takes dockerConfigSecret, cache and scaleUpGraceSeconds (snake_case too)", () => {
    expect(
      parse({
        kubernetes_context: "c",
        docker_config_secret: "regcred",
        scale_up_grace_seconds: 0,
        cache: { enabled: true, ttl: "6h" },
      }),
    ).toMatchObject({
      dockerConfigSecret: "regcred",
      scaleUpGraceSeconds: 0,
      cache: { enabled: true, ttl: "6h" },
    });
    expect(issues({ kubernetesContext: "c", dockerConfigSecret: "Reg_Cred" })[0]).toMatch(
      /^dockerConfigSecret: a secret name/,
    );
    expect(issues({ kubernetesContext: "c", scaleUpGraceSeconds: -1 })[0]).toMatch(/^scaleUpGraceSeconds:/);
  });

  it("refuses dockerConfigSecret beside a hand-made mount at /kaniko/.docker, and a cache that executorArgs contradicts", () => {
    expect(
      issues({
        kubernetesContext: "c",
        dockerConfigSecret: "regcred",
        volumes: [{ name: "flavorstack-docker-config", emptyDir: {} }],
        volumeMounts: [{ name: "docker-config", mountPath: "/kaniko/.docker/" }],
      }),
    ).toEqual([
      "volumeMounts.0.mountPath: dockerConfigSecret mounts /kaniko/.docker: remove this volume mount (and its volume), or dockerConfigSecret",
      "volumes.0.name: the volume name 'flavorstack-docker-config' is taken by dockerConfigSecret: rename this volume",
    ]);
    expect(
      issues({
        kubernetesContext: "c",
        cache: { enabled: true, repository: "r/c" },
        executorArgs: ["--cache-repo=r/d"],
      }),
    ).toEqual(["cache: cache.repository is 'r/c' but executorArgs has --cache-repo=r/d: set it in one place only"]);
  });

  it("parses through the flavor with a ConfigError naming the field", () => {
    expect(() => KanikoImageBuilderFlavor.parseConfig({ kubernetesNamespace: "x" })).toThrow(/kubernetesContext/);
  });
});
