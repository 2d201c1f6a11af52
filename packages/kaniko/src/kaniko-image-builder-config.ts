import { withConfigAliases } from "@flavorstack/core/plugin";
import { z } from "zod";
import { checkCacheFlags, kanikoCacheSchema } from "./kaniko-cache-config.js";

/**
 * The executor image used when the config names none: the maintained fork of
 * kaniko (upstream GoogleContainerTools/kaniko was archived in June 2025),
 * pinned to the release the Tekton catalog's kaniko task uses. See README.md.
 */
export const DEFAULT_KANIKO_EXECUTOR_IMAGE = "ghcr.io/osscontainertools/kaniko:v1.27.6";

/** ZenML's default namespace; it is never created for you. */
const DEFAULT_KANIKO_NAMESPACE = "zenml-kaniko";

/** Seconds to wait for the build pod to be Running (ZenML's default). */
const DEFAULT_POD_RUNNING_TIMEOUT = 300;
const DEFAULT_WATCH_TIMEOUT_SECONDS = 240;

/** Seconds the build pod may live at most (`activeDeadlineSeconds`), a server-side backstop. */
const DEFAULT_ACTIVE_DEADLINE_SECONDS = 7200;

/** Where kaniko reads registry credentials (`config.json`), and the volume `dockerConfigSecret` mounts there. */
export const DOCKER_CONFIG_MOUNT_PATH = "/kaniko/.docker";
export const DOCKER_CONFIG_VOLUME = "flavorstack-docker-config";

/** Seconds an unschedulable pod waits for an autoscaler to signal a scale-up before the build fails. */
const DEFAULT_SCALE_UP_GRACE_SECONDS = 30;

/** ZenML's snake_case field names and the names we use. */
export const KANIKO_CONFIG_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  kubernetes_context: "kubernetesContext",
  kubernetes_namespace: "kubernetesNamespace",
  executor_image: "executorImage",
  pod_running_timeout: "podRunningTimeout",
  env_from: "envFrom",
  volume_mounts: "volumeMounts",
  service_account_name: "serviceAccountName",
  store_context_in_artifact_store: "storeContextInArtifactStore",
  executor_args: "executorArgs",
  active_deadline_seconds: "activeDeadlineSeconds",
  scale_up_grace_seconds: "scaleUpGraceSeconds",
  docker_config_secret: "dockerConfigSecret",
});

/** A Kubernetes object as the user writes it (EnvVar, Volume, ...): validated by the API server. */
const kubernetesObject = z.record(z.string(), z.unknown());

const envVar = z.looseObject({
  name: z.string().min(1, "an env entry needs a name"),
  value: z.string().optional(),
  valueFrom: kubernetesObject.optional(),
});

const volumeMount = z.looseObject({
  name: z.string().min(1, "a volume mount needs the name of a volume"),
  mountPath: z.string().min(1, "a volume mount needs a mountPath"),
});

const volume = z.looseObject({
  name: z.string().min(1, "a volume needs a name"),
});

const schema = z
  .strictObject({
    kubernetesContext: z
      .string({ error: "the Kubernetes context to run the build pod in is required (a context of your kubeconfig)" })
      .trim()
      .min(1, "the Kubernetes context to run the build pod in is required (a context of your kubeconfig)")
      .describe("The kubeconfig context in which to run the Kaniko pod."),
    kubernetesNamespace: z
      .string()
      .trim()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a namespace name is lowercase letters, digits and '-'")
      .max(63)
      .default(DEFAULT_KANIKO_NAMESPACE)
      .describe("The namespace in which to run the Kaniko pod. It is not created and must already exist."),
    executorImage: z
      .string()
      .trim()
      .min(1)
      .default(DEFAULT_KANIKO_EXECUTOR_IMAGE)
      .describe("The image of the Kaniko executor to use."),
    podRunningTimeout: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_POD_RUNNING_TIMEOUT)
      .describe("Seconds to wait until the pod is running (scheduling and image pull)."),
    watchTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(DEFAULT_WATCH_TIMEOUT_SECONDS)
      .describe(
        "The API server's time limit on each pod watch, in seconds (spread by up to a quarter more). A watch silent for a quarter of it (1 to 30 s) past the limit is a dead connection and is replaced. Lower it where a proxy or load balancer cuts idle connections sooner.",
      ),
    env: z.array(envVar).default([]).describe("`env` section of the Kubernetes container spec."),
    envFrom: z.array(kubernetesObject).default([]).describe("`envFrom` section of the Kubernetes container spec."),
    volumeMounts: z.array(volumeMount).default([]).describe("`volumeMounts` section of the Kubernetes container spec."),
    volumes: z.array(volume).default([]).describe("`volumes` section of the Kubernetes pod spec."),
    serviceAccountName: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("Name of the Kubernetes service account the pod runs as."),
    storeContextInArtifactStore: z
      .boolean()
      .default(false)
      .describe(
        "Upload the build context to the (remote) artifact store instead of streaming it over the pod's stdin; the pod then needs read access to the store.",
      ),
    executorArgs: z
      .array(z.string())
      .default([])
      .describe('Additional arguments for the Kaniko executor, e.g. ["--compressed-caching=false"]; passed last.'),
    activeDeadlineSeconds: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_ACTIVE_DEADLINE_SECONDS)
      .describe("Seconds the build pod may run at most (pod `activeDeadlineSeconds`), a backstop for stuck builds."),
    scaleUpGraceSeconds: z
      .number()
      .int()
      .nonnegative()
      .default(DEFAULT_SCALE_UP_GRACE_SECONDS)
      .describe(
        "Seconds an unschedulable build pod waits for a cluster autoscaler (TriggeredScaleUp) or Karpenter (Nominated) to signal a scale-up; then it waits up to podRunningTimeout. 0: fail at once when no scale-up is under way.",
      ),
    dockerConfigSecret: z
      .string()
      .trim()
      .regex(
        /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
        "a secret name is lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
      )
      .max(253)
      .optional()
      .describe(
        `A kubernetes.io/dockerconfigjson secret in the namespace with the executor's registry credentials, mounted at ${DOCKER_CONFIG_MOUNT_PATH}/config.json.`,
      ),
    cache: kanikoCacheSchema
      .optional()
      .describe("kaniko's layer cache: --cache=true --cache-repo=<repository> [--cache-ttl=<ttl>]."),
  })
  .superRefine((config, context) => {
    for (const issue of checkCacheFlags(config.cache, config.executorArgs)) {
      context.addIssue({ code: "custom", path: ["cache"], message: issue, input: config.cache });
    }
    if (config.dockerConfigSecret === undefined) return;
    const mounted = config.volumeMounts.findIndex(
      (mount) => mount.mountPath.replace(/\/+$/, "") === DOCKER_CONFIG_MOUNT_PATH,
    );
    if (mounted >= 0) {
      context.addIssue({
        code: "custom",
        path: ["volumeMounts", mounted, "mountPath"],
        message: `dockerConfigSecret mounts ${DOCKER_CONFIG_MOUNT_PATH}: remove this volume mount (and its volume), or dockerConfigSecret`,
        input: config.volumeMounts[mounted],
      });
    }
    const volume = config.volumes.findIndex((candidate) => candidate.name === DOCKER_CONFIG_VOLUME);
    if (volume >= 0) {
      context.addIssue({
        code: "custom",
        path: ["volumes", volume, "name"],
        message: `the volume name '${DOCKER_CONFIG_VOLUME}' is taken by dockerConfigSecret: rename this volume`,
        input: config.volumes[volume],
      });
    }
  });

/** The kaniko image builder's config: ZenML's fields (camelCase, snake_case accepted) and defaults. */
export const kanikoImageBuilderConfigSchema = withConfigAliases(KANIKO_CONFIG_ALIASES, schema);

export type KanikoImageBuilderConfig = z.output<typeof kanikoImageBuilderConfigSchema>;
export type KanikoImageBuilderConfigInput = z.input<typeof schema>;
