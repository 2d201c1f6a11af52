import { describe, expect, it } from "vitest";
import type { Container, Secret } from "../kubernetes-types.js";
import { resolveContainerEnv } from "./container-env.js";

function secret(name: string, values: Record<string, string>): Secret {
  const data = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, Buffer.from(value).toString("base64")]),
  );
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "ns" }, type: "Opaque", data };
}

const SECRETS = new Map([
  ["aws", secret("aws", { AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "s3cr3t", "bad key?": "x" })],
  ["token", secret("token", { value: "t0k3n" })],
]);
const lookup = (name: string) => SECRETS.get(name);

function container(spec: Partial<Container>): Container {
  return { name: "kaniko", image: "executor", ...spec };
}

describe("resolveContainerEnv", () => {
  it("takes envFrom secrets (with prefix) first, then env values and secretKeyRefs, which win", () => {
    const result = resolveContainerEnv(
      "ns",
      container({
        envFrom: [{ secretRef: { name: "aws" } }, { prefix: "TOKEN_", secretRef: { name: "token" } }],
        env: [
          { name: "AWS_ACCESS_KEY_ID", value: "overridden" },
          { name: "API_TOKEN", valueFrom: { secretKeyRef: { name: "token", key: "value" } } },
          { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        ],
      }),
      lookup,
    );
    expect(result).toEqual({
      ok: true,
      env: {
        AWS_ACCESS_KEY_ID: "overridden",
        AWS_SECRET_ACCESS_KEY: "s3cr3t",
        TOKEN_value: "t0k3n",
        API_TOKEN: "t0k3n",
      },
      warnings: [
        "Keys [bad key?] from the EnvFrom secret ns/aws were skipped since they are considered invalid environment variable names.",
      ],
    });
  });

  it("fails with the kubelet's messages for a missing secret or key", () => {
    expect(resolveContainerEnv("ns", container({ envFrom: [{ secretRef: { name: "nope" } }] }), lookup)).toEqual({
      ok: false,
      message: 'secret "nope" not found',
    });
    const missingSecret = container({
      env: [{ name: "X", valueFrom: { secretKeyRef: { name: "nope", key: "k" } } }],
    });
    expect(resolveContainerEnv("ns", missingSecret, lookup)).toEqual({ ok: false, message: 'secret "nope" not found' });
    const missingKey = container({
      env: [{ name: "X", valueFrom: { secretKeyRef: { name: "token", key: "other" } } }],
    });
    expect(resolveContainerEnv("ns", missingKey, lookup)).toEqual({
      ok: false,
      message: "couldn't find key other in Secret ns/token",
    });
  });

  it("leaves out optional references that resolve to nothing", () => {
    const result = resolveContainerEnv(
      "ns",
      container({
        envFrom: [{ secretRef: { name: "nope", optional: true } }],
        env: [
          { name: "A", valueFrom: { secretKeyRef: { name: "nope", key: "k", optional: true } } },
          { name: "B", valueFrom: { secretKeyRef: { name: "token", key: "other", optional: true } } },
          { name: "C" },
        ],
      }),
      lookup,
    );
    expect(result).toEqual({ ok: true, env: { C: "" }, warnings: [] });
  });
});
