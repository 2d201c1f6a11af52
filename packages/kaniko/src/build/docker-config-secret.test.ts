import { BuildError, ConfigError, ImageReference } from "@flavorstack/core/plugin";
import { type KubernetesDouble, startKubernetesDouble } from "@flavorstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doubleApi, TEST_NAMESPACE } from "../test-support/double-with-pod.js";
import { checkDockerConfigSecret } from "./docker-config-secret.js";

const SITE = {
  context: "flavorstack-double",
  namespace: TEST_NAMESPACE,
  pod: `${TEST_NAMESPACE}/kaniko-build-00000000`,
};
const DESTINATION = ImageReference.parse("registry.example.com/team/app:1");
const PASSWORD = "s3cret-registry-password";
const DOCKER_CONFIG = JSON.stringify({ auths: { "registry.example.com": { username: "u", password: PASSWORD } } });

describe("checkDockerConfigSecret against the Kubernetes double", () => {
  let cluster: KubernetesDouble;
  beforeAll(async () => {
    cluster = await startKubernetesDouble({ namespaces: [TEST_NAMESPACE] });
    cluster.createSecret(
      TEST_NAMESPACE,
      "regcred",
      { ".dockerconfigjson": DOCKER_CONFIG },
      "kubernetes.io/dockerconfigjson",
    );
    cluster.createSecret(TEST_NAMESPACE, "opaque", { ".dockerconfigjson": DOCKER_CONFIG });
    cluster.createSecret(
      TEST_NAMESPACE,
      "not-json",
      { ".dockerconfigjson": "{oops" },
      "kubernetes.io/dockerconfigjson",
    );
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const check = (name: string) =>
    checkDockerConfigSecret({
      api: doubleApi(cluster),
      site: SITE,
      name,
      destination: DESTINATION,
      signal: new AbortController().signal,
    }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );

  it("accepts a kubernetes.io/dockerconfigjson secret with a docker config and returns its credentials to redact", async () => {
    const credentials = await checkDockerConfigSecret({
      api: doubleApi(cluster),
      site: SITE,
      name: "regcred",
      destination: DESTINATION,
      signal: new AbortController().signal,
    });
    expect(credentials).toEqual([PASSWORD]);
  });

  it("a missing secret: a ConfigError with the kubectl command that makes it", async () => {
    const error = await check("missing");
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(
      "The secret 'missing' (dockerConfigSecret) does not exist in namespace 'ns' of context 'flavorstack-double'. Create it with `kubectl --context flavorstack-double -n ns create secret docker-registry missing --docker-server=registry.example.com --docker-username=<user> --docker-password=<password or token>`, or fix 'dockerConfigSecret'.",
    );
  });

  it("a secret of another type, or without a JSON docker config: a ConfigError that never shows its content", async () => {
    const wrongType = await check("opaque");
    expect(wrongType).toBeInstanceOf(ConfigError);
    expect(wrongType?.message).toMatch(
      /^The secret 'opaque' \(dockerConfigSecret\) in namespace 'ns' is of type 'Opaque', not 'kubernetes\.io\/dockerconfigjson'\. Make one of that type with `kubectl .* create secret docker-registry opaque /,
    );
    const notJson = await check("not-json");
    expect(notJson?.message).toMatch(/has no valid '\.dockerconfigjson' \(a JSON object with 'auths'\)/);
    for (const error of [wrongType, notJson]) expect(error?.message).not.toContain(PASSWORD);
  });

  it("an unreadable secret (403): a BuildError naming the permission and how to grant it", async () => {
    cluster.setFaults({ apiErrors: [{ verb: "get-secret", status: 403, name: "regcred" }] });
    const error = await check("regcred");
    cluster.setFaults({});
    expect(error).toBeInstanceOf(BuildError);
    expect(error?.message).toMatch(
      /^Cannot read the secret 'regcred' \(dockerConfigSecret\) in namespace 'ns': HTTP 403 \(Forbidden\): secrets "regcred" is forbidden: .* needs get on that secret: `kubectl --context flavorstack-double -n ns create role flavorstack-docker-config-reader --verb=get --resource=secrets --resource-name=regcred`/,
    );
  });
});
