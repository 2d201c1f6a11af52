import { describe, expect, it } from "vitest";
import { type BuildSite, explainCannotStart, explainCreateFailure } from "./explain-failure.js";

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
