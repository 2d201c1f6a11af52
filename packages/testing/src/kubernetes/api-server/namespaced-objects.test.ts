import { ApiException } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPod, type KubeClients, kubeClients } from "../../test-support/kube-clients.js";
import { type KubernetesDouble, startKubernetesDouble } from "../start-kubernetes-double.js";

const NAMESPACE = "builds";

function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}

/** The Status body of a failed client-node call. */
async function statusOf(call: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiException);
  return JSON.parse((error as ApiException<string>).body);
}

describe("secrets and service accounts on the Kubernetes double", () => {
  let cluster: KubernetesDouble;
  let clients: KubeClients;

  beforeAll(async () => {
    cluster = await startKubernetesDouble({ namespaces: [NAMESPACE] });
    clients = kubeClients(cluster);
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it("creates a secret with data and stringData merged into base64 data, and serves it back", async () => {
    const created = await clients.core.createNamespacedSecret({
      namespace: NAMESPACE,
      body: {
        metadata: { name: "registry-creds", labels: { app: "kaniko" } },
        data: { token: base64("from-data"), kept: base64("kept") },
        stringData: { token: "from-stringData", "config.json": '{"auths":{}}' },
      },
    });
    expect(created.type).toBe("Opaque");
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.namespace).toBe(NAMESPACE);
    expect(created.data).toEqual({
      token: base64("from-stringData"),
      kept: base64("kept"),
      "config.json": base64('{"auths":{}}'),
    });
    expect(created.stringData).toBeUndefined();

    const read = await clients.core.readNamespacedSecret({ name: "registry-creds", namespace: NAMESPACE });
    expect(read.data).toEqual(created.data);
    const raw = (await (
      await fetch(`${cluster.url}/api/v1/namespaces/${NAMESPACE}/secrets/registry-creds`)
    ).json()) as {
      kind: string;
      stringData?: unknown;
    };
    expect(raw.kind).toBe("Secret");
    expect(raw).not.toHaveProperty("stringData");

    const listed = await clients.core.listNamespacedSecret({ namespace: NAMESPACE, labelSelector: "app=kaniko" });
    expect(listed.kind).toBe("SecretList");
    expect(listed.items.map((secret) => secret.metadata?.name)).toEqual(["registry-creds"]);
  });

  it("answers a taken name with 409 AlreadyExists and a missing namespace with 404", async () => {
    cluster.createSecret(NAMESPACE, "taken", { a: "1" });
    const conflict = await statusOf(
      clients.core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name: "taken" } } }),
    );
    expect(conflict).toMatchObject({ code: 409, reason: "AlreadyExists", message: 'secrets "taken" already exists' });
    const nowhere = await statusOf(
      clients.core.createNamespacedSecret({ namespace: "ghost", body: { metadata: { name: "x" } } }),
    );
    expect(nowhere).toMatchObject({ code: 404, reason: "NotFound", message: 'namespaces "ghost" not found' });
    expect(() => cluster.createSecret(NAMESPACE, "taken", {})).toThrow('secrets "taken" already exists');
  });

  it("refuses data that is not base64 (400) and keys that are not config keys (422)", async () => {
    const response = await fetch(`${cluster.url}/api/v1/namespaces/${NAMESPACE}/secrets`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ metadata: { name: "bad-data" }, data: { token: "not base64!" } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      reason: "BadRequest",
      message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
    });
    const badKey = await statusOf(
      clients.core.createNamespacedSecret({
        namespace: NAMESPACE,
        body: { metadata: { name: "bad-key" }, stringData: { "no spaces": "x" } },
      }),
    );
    expect(badKey).toMatchObject({ code: 422, reason: "Invalid" });
    expect(badKey.message).toMatch(/^Secret "bad-key" is invalid: data\[no spaces\]: Invalid value: "no spaces"/);
    const dockerConfig = await statusOf(
      clients.core.createNamespacedSecret({
        namespace: NAMESPACE,
        body: { metadata: { name: "docker" }, type: "kubernetes.io/dockerconfigjson", stringData: { other: "x" } },
      }),
    );
    expect(dockerConfig.message).toBe('Secret "docker" is invalid: data[.dockerconfigjson]: Required value');
  });

  it("deletes a secret with a Success Status, then answers 404", async () => {
    const created = cluster.createSecret(NAMESPACE, "short-lived", { a: "1" });
    const deleted = await clients.core.deleteNamespacedSecret({ name: "short-lived", namespace: NAMESPACE });
    expect(deleted).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "short-lived", kind: "secrets", uid: created.metadata.uid },
    });
    const gone = await statusOf(clients.core.readNamespacedSecret({ name: "short-lived", namespace: NAMESPACE }));
    expect(gone).toMatchObject({ code: 404, message: 'secrets "short-lived" not found' });
    const again = await statusOf(clients.core.deleteNamespacedSecret({ name: "short-lived", namespace: NAMESPACE }));
    expect(again.code).toBe(404);
  });

  it("has a default service account per namespace, creates others, and refuses pods naming a missing one", async () => {
    const accounts = await clients.core.listNamespacedServiceAccount({ namespace: NAMESPACE });
    expect(accounts.items.map((account) => account.metadata?.name)).toEqual(["default"]);
    const refused = await statusOf(
      clients.core.createNamespacedPod({
        namespace: NAMESPACE,
        body: { ...buildPod("as-builder"), spec: { ...buildPod("").spec, serviceAccountName: "builder" } } as never,
      }),
    );
    expect(refused).toMatchObject({
      code: 403,
      reason: "Forbidden",
      message: `pods "as-builder" is forbidden: error looking up service account ${NAMESPACE}/builder: serviceaccount "builder" not found`,
    });
    const created = await clients.core.createNamespacedServiceAccount({
      namespace: NAMESPACE,
      body: { metadata: { name: "builder" } },
    });
    expect(created.metadata?.uid).toBeDefined();
    expect((await clients.core.readNamespacedServiceAccount({ name: "builder", namespace: NAMESPACE })).kind).toBe(
      "ServiceAccount",
    );
    const pod = await clients.core.createNamespacedPod({
      namespace: NAMESPACE,
      body: { ...buildPod("as-builder"), spec: { ...buildPod("").spec, serviceAccountName: "builder" } } as never,
    });
    expect(pod.spec?.serviceAccountName).toBe("builder");
    await clients.core.deleteNamespacedPod({ name: "as-builder", namespace: NAMESPACE, gracePeriodSeconds: 0 });
    const notDeletable = await fetch(`${cluster.url}/api/v1/namespaces/${NAMESPACE}/serviceaccounts/builder`, {
      method: "DELETE",
    });
    expect(notDeletable.status).toBe(405);
  });

  it("refuses a pod whose volumeMount names no volume (422)", async () => {
    const pod = buildPod("unmounted");
    (pod.spec?.containers[0] as { volumeMounts?: unknown }).volumeMounts = [{ name: "creds", mountPath: "/creds" }];
    const refused = await statusOf(clients.core.createNamespacedPod({ namespace: NAMESPACE, body: pod }));
    expect(refused).toMatchObject({
      code: 422,
      message: 'Pod "unmounted" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "creds"',
    });
  });
});
