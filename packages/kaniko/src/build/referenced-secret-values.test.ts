import type { Logger } from "@flavorstack/core";
import { type KubernetesDouble, startKubernetesDouble } from "@flavorstack/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createKubeApi } from "../kube/kube-api.js";
import { LeanKubeConfig } from "../kube/lean-kube-config.js";
import { referencedSecretValues } from "./referenced-secret-values.js";

const NAMESPACE = "builds";

let cluster: KubernetesDouble | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

function recordingLogger(warnings: string[]): Logger {
  return { debug() {}, info() {}, warn: (message) => warnings.push(message) };
}

async function read(config: Parameters<typeof referencedSecretValues>[0]["config"], warnings: string[] = []) {
  const double = cluster as KubernetesDouble;
  return referencedSecretValues({
    api: createKubeApi(LeanKubeConfig.fromString(double.kubeconfig)),
    namespace: NAMESPACE,
    config,
    logger: recordingLogger(warnings),
    signal: new AbortController().signal,
  });
}

describe("referencedSecretValues", () => {
  it("reads every value of the secrets env (secretKeyRef) and envFrom (secretRef) name, once each", async () => {
    cluster = await startKubernetesDouble({ namespaces: [NAMESPACE] });
    cluster.createSecret(NAMESPACE, "aws", { AWS_SECRET_ACCESS_KEY: "aws-secret-value", region: "eu-west-1" });
    cluster.createSecret(NAMESPACE, "registry", { token: "registry-token-value" });
    cluster.createSecret(NAMESPACE, "unused", { other: "not-referenced" });
    const values = await read({
      env: [
        { name: "REGISTRY_TOKEN", valueFrom: { secretKeyRef: { name: "registry", key: "token" } } },
        { name: "FROM_MAP", valueFrom: { configMapKeyRef: { name: "settings", key: "x" } } },
        { name: "AGAIN", valueFrom: { secretKeyRef: { name: "aws", key: "region" } } },
      ],
      envFrom: [{ secretRef: { name: "aws" } }, { configMapRef: { name: "settings" } }],
    });
    expect(values.sort()).toEqual(["aws-secret-value", "eu-west-1", "registry-token-value"]);
  });

  it("leaves a missing secret to the pod, and warns when a secret may not be read", async () => {
    cluster = await startKubernetesDouble({
      namespaces: [NAMESPACE],
      faults: { apiErrors: [{ verb: "get-secret", status: 403, name: "locked" }] },
    });
    cluster.createSecret(NAMESPACE, "locked", { token: "locked-token-value" });
    const warnings: string[] = [];
    const values = await read(
      { env: [], envFrom: [{ secretRef: { name: "missing", optional: true } }, { secretRef: { name: "locked" } }] },
      warnings,
    );
    expect(values).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Could not read the secret 'locked' in namespace 'builds' \(HTTP 403 \(Forbidden\): .*\), so its values cannot be hidden if the kaniko executor prints them\. Allow this user to get secrets there/,
    );
  });
});
