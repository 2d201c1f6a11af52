import type { Container, Secret } from "../kubernetes-types.js";

/** The kubelet's `IsEnvVarName` (before relaxed validation): other keys of an envFrom source are skipped. */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Finds a secret of the pod's namespace by name. */
export type SecretLookup = (name: string) => Secret | undefined;

export type ContainerEnvResult =
  | {
      ok: true;
      env: Record<string, string>;
      /** `InvalidEnvironmentVariableNames` warnings: envFrom keys skipped as invalid variable names. */
      warnings: string[];
    }
  /** What the kubelet reports as `CreateContainerConfigError` (e.g. `secret "x" not found`). */
  | { ok: false; message: string };

function decode(value: string): string {
  return Buffer.from(value, "base64").toString("utf8");
}

/**
 * The container's environment as the kubelet builds it: `envFrom` sources in order, then `env` (which wins).
 * `value` is taken as is, `valueFrom.secretKeyRef` from the secret. A missing secret or key fails unless the
 * reference is `optional`. Config maps and field references are not simulated: those entries are left out.
 */
export function resolveContainerEnv(
  namespace: string,
  container: Container,
  secrets: SecretLookup,
): ContainerEnvResult {
  const env: Record<string, string> = {};
  const warnings: string[] = [];
  for (const source of container.envFrom ?? []) {
    if (!source.secretRef) continue;
    const name = source.secretRef.name ?? "";
    const secret = secrets(name);
    if (!secret) {
      if (source.secretRef.optional) continue;
      return { ok: false, message: `secret "${name}" not found` };
    }
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(secret.data ?? {})) {
      const variable = `${source.prefix ?? ""}${key}`;
      if (ENV_VAR_NAME.test(variable)) env[variable] = decode(value);
      else invalid.push(variable);
    }
    if (invalid.length > 0) {
      warnings.push(
        `Keys [${invalid.sort().join(", ")}] from the EnvFrom secret ${namespace}/${name} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }
  for (const variable of container.env ?? []) {
    const reference = variable.valueFrom?.secretKeyRef;
    if (reference) {
      const name = reference.name ?? "";
      const secret = secrets(name);
      const value = secret?.data?.[reference.key];
      if (value !== undefined) env[variable.name] = decode(value);
      else if (reference.optional) continue;
      else if (!secret) return { ok: false, message: `secret "${name}" not found` };
      else return { ok: false, message: `couldn't find key ${reference.key} in Secret ${namespace}/${name}` };
    } else if (typeof variable.value === "string") env[variable.name] = variable.value;
    else if (variable.valueFrom === undefined) env[variable.name] = "";
  }
  return { ok: true, env, warnings };
}
