import { describe, expect, it } from "vitest";
import { type BuildSite, explainCannotStart, explainCreateFailure, explainNoScaleUp } from "./explain-failure.js";
import { NoScaleUpError } from "./scale-up-wait.js";

const SITE: BuildSite = { context: "prod", namespace: "zenml-kaniko", pod: "zenml-kaniko/kaniko-build-0a1b2c3d" };
const IMAGE = "gcr.io/kaniko-project/executor:v1.23.2";

describe("explainCannotStart: CreateContainerConfigError", () => {
  it("names a missing secret and says where to create it or what to fix", () => {
    const { summary, reason } = explainCannotStart(
      SITE,
      { kind: "cannot-start", reason: "CreateContainerConfigError", message: 'secret "aws-creds" not found' },
      IMAGE,
    );
    expect(reason).toBe("CreateContainerConfigError");
    expect(summary).toBe(
      "The build pod zenml-kaniko/kaniko-build-0a1b2c3d cannot start: CreateContainerConfigError (secret \"aws-creds\" not found). The secret 'aws-creds' that the builder's 'env' or 'envFrom' names does not exist in namespace 'zenml-kaniko': create it there (`kubectl --context prod -n zenml-kaniko create secret generic aws-creds --from-literal=KEY=VALUE`), or fix the name in 'env' / 'envFrom'.",
    );
  });

  it("names a missing key of a secret", () => {
    const { summary } = explainCannotStart(
      SITE,
      {
        kind: "cannot-start",
        reason: "CreateContainerConfigError",
        message: "couldn't find key secret in Secret zenml-kaniko/aws-creds",
      },
      IMAGE,
    );
    expect(summary).toMatch(
      /The secret 'aws-creds' in namespace 'zenml-kaniko' has no key 'secret' that the builder's 'env' names: add the key to the secret, or fix 'secretKeyRef.key' in 'env'\.$/,
    );
  });

  it("falls back to a general hint for other config errors", () => {
    const { summary } = explainCannotStart(
      SITE,
      { kind: "cannot-start", reason: "CreateContainerConfigError", message: 'configmap "settings" not found' },
      IMAGE,
    );
    expect(summary).toMatch(/\(configmap "settings" not found\)\. .*exist in namespace 'zenml-kaniko'\.$/);
  });
});

describe("explainCreateFailure", () => {
  it("says to create a missing service account rather than to grant permissions", () => {
    const error = Object.assign(new Error("HTTP-Code: 403"), {
      code: 403,
      body: JSON.stringify({
        kind: "Status",
        reason: "Forbidden",
        message:
          'pods "kaniko-build-0a1b2c3d" is forbidden: error looking up service account zenml-kaniko/builder: serviceaccount "builder" not found',
      }),
    });
    const explained = explainCreateFailure(error, SITE);
    expect(explained.message).toMatch(
      /The service account 'builder' \('serviceAccountName'\) does not exist in namespace 'zenml-kaniko': create it \(`kubectl --context prod -n zenml-kaniko create serviceaccount builder`\) or fix 'serviceAccountName'\.$/,
    );
    expect(explained.message).not.toMatch(/needs create, get, watch and delete/);
    expect(explained.cause).toBe(error);
  });
});

describe("explainNoScaleUp", () => {
  const schedulerMessage = "0/3 nodes are available: 3 Insufficient memory.";

  it("says the autoscaler will not add a node (NotTriggerScaleUp)", () => {
    const error = new NoScaleUpError("NotTriggerScaleUp", {
      schedulerMessage,
      autoscalerMessage: "pod didn't trigger scale-up: 1 max node group size reached",
    });
    const { summary, reason } = explainNoScaleUp(SITE, error, 30);
    expect(reason).toBe("NotTriggerScaleUp");
    expect(summary).toBe(
      "The build pod zenml-kaniko/kaniko-build-0a1b2c3d cannot start: Unschedulable (0/3 nodes are available: 3 Insufficient memory.). No node can run the pod, and the cluster autoscaler will not add one (NotTriggerScaleUp: pod didn't trigger scale-up: 1 max node group size reached). Check the node groups' sizes and machine types, taints, and the resources and volumes the pod asks for.",
    );
  });

  it("reports the grace window, and unreadable events with the permission they need", () => {
    const { summary, reason } = explainNoScaleUp(SITE, new NoScaleUpError("NoScaleUp", { schedulerMessage }), 30);
    expect(reason).toBe("Unschedulable");
    expect(summary).toContain(
      "No node can run the pod, and no autoscaler signalled a scale-up (a TriggeredScaleUp or Nominated event) within 30 s (scaleUpGraceSeconds).",
    );
    const forbidden = Object.assign(new Error("events is forbidden"), { code: 403 });
    const unreadable = new NoScaleUpError("NoScaleUp", { schedulerMessage, eventsError: forbidden });
    expect(explainNoScaleUp(SITE, unreadable, 5).summary).toContain(
      "The pod's events could not be read (HTTP 403: events is forbidden): the kubeconfig's user (context 'prod') needs list on events in namespace 'zenml-kaniko' to see a scale-up.",
    );
  });
});
