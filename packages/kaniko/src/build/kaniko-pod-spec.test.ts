import { describe, expect, it } from "vitest";
import { kanikoImageBuilderConfigSchema } from "../kaniko-image-builder-config.js";
import { buildKanikoPod, generatePodName, KANIKO_POD_SELECTOR, kanikoExecutorArgs } from "./kaniko-pod-spec.js";

describe("generatePodName", () => {
  it("makes kaniko-build-<8 hex> names, different each time", () => {
    const { podName, buildId } = generatePodName();
    expect(podName).toMatch(/^kaniko-build-[0-9a-f]{8}$/);
    expect(podName).toBe(`kaniko-build-${buildId}`);
    expect(generatePodName().podName).not.toBe(podName);
    expect(generatePodName(() => Buffer.from([0, 1, 0xab, 0xff])).podName).toBe("kaniko-build-0001abff");
  });
});

describe("kanikoExecutorArgs", () => {
  it("starts with ZenML's four flags", () => {
    expect(
      kanikoExecutorArgs({ dockerfile: "Dockerfile", context: "tar://stdin", destination: "ghcr.io/acme/app:1" }),
    ).toEqual([
      "--dockerfile=Dockerfile",
      "--context=tar://stdin",
      "--destination=ghcr.io/acme/app:1",
      "--image-name-with-digest-file=/dev/termination-log",
    ]);
  });

  it("adds build args and labels (sorted), the target, the cache flags, then executorArgs last", () => {
    expect(
      kanikoExecutorArgs({
        dockerfile: "docker/Dockerfile.prod",
        context: "s3://bucket/kaniko-build-contexts/abc.tar.gz",
        destination: "ghcr.io/acme/app:1",
        buildArgs: { B: "2", A: "x=y" },
        labels: { "org.opencontainers.image.source": "https://x", a: "b c" },
        target: "runtime",
        cacheArgs: ["--cache=true", "--cache-repo=ghcr.io/acme/app/cache"],
        executorArgs: ["--destination=ghcr.io/acme/app:latest"],
      }),
    ).toEqual([
      "--dockerfile=docker/Dockerfile.prod",
      "--context=s3://bucket/kaniko-build-contexts/abc.tar.gz",
      "--destination=ghcr.io/acme/app:1",
      "--image-name-with-digest-file=/dev/termination-log",
      "--build-arg",
      "A=x=y",
      "--build-arg",
      "B=2",
      "--label",
      "a=b c",
      "--label",
      "org.opencontainers.image.source=https://x",
      "--target=runtime",
      "--cache=true",
      "--cache-repo=ghcr.io/acme/app/cache",
      "--destination=ghcr.io/acme/app:latest",
    ]);
  });
});

describe("buildKanikoPod", () => {
  const config = kanikoImageBuilderConfigSchema.parse({
    kubernetesContext: "prod",
    kubernetesNamespace: "builds",
    env: [{ name: "AWS_REGION", value: "eu-west-1" }],
    envFrom: [{ secretRef: { name: "aws" } }],
    volumeMounts: [{ name: "docker-config", mountPath: "/kaniko/.docker" }],
    volumes: [{ name: "docker-config", secret: { secretName: "regcred" } }],
    serviceAccountName: "builder",
    activeDeadlineSeconds: 900,
  });
  const args = ["--dockerfile=Dockerfile", "--context=tar://stdin"];

  it("builds a labelled, never-restarting pod with the service account on the pod spec", () => {
    const pod = buildKanikoPod({
      podName: "kaniko-build-0badcafe",
      buildId: "0badcafe",
      image: "ghcr.io/acme/app:1",
      args,
      config,
      stdin: true,
    });
    expect(pod.metadata).toEqual({
      name: "kaniko-build-0badcafe",
      namespace: "builds",
      labels: {
        "app.kubernetes.io/managed-by": "flavorstack",
        "flavorstack.io/component": "kaniko-build",
        "flavorstack.io/build-id": "0badcafe",
      },
      annotations: { "flavorstack.io/image": "ghcr.io/acme/app:1" },
    });
    expect(pod.spec?.restartPolicy).toBe("Never");
    expect(pod.spec?.activeDeadlineSeconds).toBe(900);
    expect(pod.spec?.serviceAccountName).toBe("builder");
    expect(pod.spec?.volumes).toEqual([{ name: "docker-config", secret: { secretName: "regcred" } }]);
    const [container] = pod.spec?.containers ?? [];
    expect(container).toEqual({
      name: "kaniko",
      image: config.executorImage,
      args,
      stdin: true,
      stdinOnce: true,
      tty: false,
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "FallbackToLogsOnError",
      env: [{ name: "AWS_REGION", value: "eu-west-1" }],
      envFrom: [{ secretRef: { name: "aws" } }],
      volumeMounts: [{ name: "docker-config", mountPath: "/kaniko/.docker" }],
    });
    expect(container).not.toHaveProperty("serviceAccountName");
  });

  it("mounts dockerConfigSecret's .dockerconfigjson as /kaniko/.docker/config.json, read-only", () => {
    const withSecret = kanikoImageBuilderConfigSchema.parse({
      kubernetesContext: "prod",
      dockerConfigSecret: "regcred",
    });
    const pod = buildKanikoPod({ podName: "p", buildId: "b", image: "i", args, config: withSecret, stdin: true });
    expect(pod.spec?.volumes).toEqual([
      {
        name: "flavorstack-docker-config",
        secret: { secretName: "regcred", items: [{ key: ".dockerconfigjson", path: "config.json" }] },
      },
    ]);
    expect(pod.spec?.containers[0]?.volumeMounts).toEqual([
      { name: "flavorstack-docker-config", mountPath: "/kaniko/.docker", readOnly: true },
    ]);
  });

  it("leaves stdin closed when the context comes from the artifact store", () => {
    const pod = buildKanikoPod({ podName: "p", buildId: "b", image: "i", args, config, stdin: false });
    const [container] = pod.spec?.containers ?? [];
    expect(container?.stdin).toBeUndefined();
    expect(container?.stdinOnce).toBeUndefined();
    expect(container?.tty).toBe(false);
  });

  it("puts the store's env before the config's, which wins on a name both have", () => {
    const pod = buildKanikoPod({
      podName: "p",
      buildId: "b",
      image: "i",
      args,
      config,
      stdin: false,
      environment: { S3_FORCE_PATH_STYLE: "true", AWS_REGION: "us-east-1", S3_ENDPOINT: "http://minio:9000" },
    });
    expect(pod.spec?.containers[0]?.env).toEqual([
      { name: "S3_ENDPOINT", value: "http://minio:9000" },
      { name: "S3_FORCE_PATH_STYLE", value: "true" },
      { name: "AWS_REGION", value: "eu-west-1" },
    ]);
  });

  it("copies the config's objects (the frozen config is never handed out)", () => {
    const frozen = Object.freeze({ ...config, env: Object.freeze([Object.freeze({ name: "A", value: "1" })]) });
    const pod = buildKanikoPod({ podName: "p", buildId: "b", image: "i", args, config: frozen as never, stdin: true });
    const env = pod.spec?.containers[0]?.env;
    expect(env).toEqual([{ name: "A", value: "1" }]);
    expect(Object.isFrozen(env)).toBe(false);
  });

  it("selects our pods by label", () => {
    expect(KANIKO_POD_SELECTOR).toBe("app.kubernetes.io/managed-by=flavorstack,flavorstack.io/component=kaniko-build");
  });
});
