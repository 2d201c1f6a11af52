import type { V1Pod } from "@kubernetes/client-node";
import {
  DOCKER_CONFIG_MOUNT_PATH,
  DOCKER_CONFIG_VOLUME,
  type KanikoImageBuilderConfig,
} from "../kaniko-image-builder-config.js";

/** The executor's container name in every build pod. */
export const KANIKO_CONTAINER_NAME = "kaniko";
/** Where kaniko writes `<repository>@sha256:<digest>` (the container's termination message). */
const TERMINATION_MESSAGE_PATH = "/dev/termination-log";
/** The context argument for a context streamed over the container's stdin. */
export const STDIN_CONTEXT = "tar://stdin";

/** The key of a `kubernetes.io/dockerconfigjson` secret's data. */
export const DOCKER_CONFIG_KEY = ".dockerconfigjson";

const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
const MANAGED_BY_VALUE = "flavorstack";
const COMPONENT_LABEL = "flavorstack.io/component";
const COMPONENT_VALUE = "kaniko-build";
const BUILD_ID_LABEL = "flavorstack.io/build-id";
const IMAGE_ANNOTATION = "flavorstack.io/image";

/** Selects every kaniko build pod flavorstack made (what `sweep()` deletes). */
export const KANIKO_POD_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${COMPONENT_LABEL}=${COMPONENT_VALUE}`;

export interface KanikoPodName {
  /** `kaniko-build-<8 hex>` */
  podName: string;
  /** The 8 hex digits, also the pod's build-id label. */
  buildId: string;
}

/**
 * Web Crypto's global, not `node:crypto`: importing that as an ES module costs ~3.5 MiB on Node 24, and this
 * module is loaded with the package.
 */
function randomBytes(size: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(size));
}

/** A fresh `kaniko-build-<8 hex>` name (ZenML's scheme). */
export function generatePodName(random: (size: number) => Uint8Array = randomBytes): KanikoPodName {
  const buildId = Buffer.from(random(4)).toString("hex");
  return { podName: `kaniko-build-${buildId}`, buildId };
}

export interface KanikoExecutorArgsInput {
  /** The Dockerfile's path inside the context. */
  dockerfile: string;
  /** `tar://stdin`, `s3://...` or `gs://...` */
  context: string;
  /** The image to push, with its tag. */
  destination: string;
  buildArgs?: Readonly<Record<string, string>> | undefined;
  labels?: Readonly<Record<string, string>> | undefined;
  target?: string | undefined;
  /** The layer cache's flags (`--cache=true --cache-repo=...`), before `executorArgs`. */
  cacheArgs?: readonly string[] | undefined;
  /** The config's `executorArgs`, passed last (so they may override ours). */
  executorArgs?: readonly string[] | undefined;
}

/**
 * The executor's arguments: `--dockerfile --context --destination
 * --image-name-with-digest-file`, then `--build-arg k=v` and `--label k=v`
 * (sorted by key), `--target`, the cache flags, and the config's `executorArgs` last.
 */
export function kanikoExecutorArgs(input: KanikoExecutorArgsInput): string[] {
  const args = [
    `--dockerfile=${input.dockerfile}`,
    `--context=${input.context}`,
    `--destination=${input.destination}`,
    `--image-name-with-digest-file=${TERMINATION_MESSAGE_PATH}`,
  ];
  for (const [key, value] of sortedEntries(input.buildArgs)) args.push("--build-arg", `${key}=${value}`);
  for (const [key, value] of sortedEntries(input.labels)) args.push("--label", `${key}=${value}`);
  if (input.target !== undefined && input.target !== "") args.push(`--target=${input.target}`);
  args.push(...(input.cacheArgs ?? []), ...(input.executorArgs ?? []));
  return args;
}

function sortedEntries(record: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Where the executor reads the build context, and the env its client needs for that. */
export interface KanikoContextSource {
  /** `tar://stdin`, `s3://...` or `gs://...` */
  argument: string;
  /** Env for the container (e.g. `S3_ENDPOINT`); the config's `env` wins over a variable of the same name. */
  environment: Readonly<Record<string, string>>;
}

/** The context streamed over the container's stdin. */
export const STDIN_CONTEXT_SOURCE: KanikoContextSource = Object.freeze({
  argument: STDIN_CONTEXT,
  environment: Object.freeze({}),
});

export interface KanikoPodInput {
  podName: string;
  buildId: string;
  /** The destination image, recorded as an annotation. */
  image: string;
  args: readonly string[];
  config: KanikoImageBuilderConfig;
  /** True when the context comes over stdin: the container then keeps stdin open until the client ends it. */
  stdin: boolean;
  /** Env added before the config's own (which wins on a name both have). */
  environment?: Readonly<Record<string, string>>;
}

/**
 * The build pod: labelled as ours, `restartPolicy: Never` (a finished build
 * must not restart), `activeDeadlineSeconds` as a server-side backstop, the
 * service account on the pod spec (ZenML #1970), and for stdin contexts
 * `stdin: true, stdinOnce: true, tty: false` (the runtime closes stdin when
 * the attached client ends it).
 */
export function buildKanikoPod(input: KanikoPodInput): V1Pod {
  const { config } = input;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: input.podName,
      namespace: config.kubernetesNamespace,
      labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
        [COMPONENT_LABEL]: COMPONENT_VALUE,
        [BUILD_ID_LABEL]: input.buildId,
      },
      annotations: { [IMAGE_ANNOTATION]: input.image },
    },
    spec: {
      restartPolicy: "Never",
      activeDeadlineSeconds: config.activeDeadlineSeconds,
      ...(config.serviceAccountName ? { serviceAccountName: config.serviceAccountName } : {}),
      containers: [
        {
          name: KANIKO_CONTAINER_NAME,
          image: config.executorImage,
          args: [...input.args],
          ...(input.stdin ? { stdin: true, stdinOnce: true } : {}),
          tty: false,
          terminationMessagePath: TERMINATION_MESSAGE_PATH,
          // The digest file on success; on failure (no digest written) the kubelet puts the log's end there.
          terminationMessagePolicy: "FallbackToLogsOnError",
          env: containerEnv(input.environment ?? {}, config.env),
          envFrom: structuredClone(config.envFrom) as NonNullable<V1Pod["spec"]>["containers"][number]["envFrom"],
          volumeMounts: [
            ...(structuredClone(config.volumeMounts) as VolumeMounts),
            ...(config.dockerConfigSecret
              ? [{ name: DOCKER_CONFIG_VOLUME, mountPath: DOCKER_CONFIG_MOUNT_PATH, readOnly: true }]
              : []),
          ],
        },
      ],
      volumes: [
        ...(structuredClone(config.volumes) as Volumes),
        ...(config.dockerConfigSecret ? [dockerConfigVolume(config.dockerConfigSecret)] : []),
      ],
    },
  };
}

type VolumeMounts = NonNullable<NonNullable<V1Pod["spec"]>["containers"][number]["volumeMounts"]>;
type Volumes = NonNullable<NonNullable<V1Pod["spec"]>["volumes"]>;

/** The secret's `.dockerconfigjson` as `config.json`, where kaniko looks for registry credentials. */
function dockerConfigVolume(secretName: string): Volumes[number] {
  return {
    name: DOCKER_CONFIG_VOLUME,
    secret: { secretName, items: [{ key: DOCKER_CONFIG_KEY, path: "config.json" }] },
  };
}

type ContainerEnv = NonNullable<NonNullable<V1Pod["spec"]>["containers"][number]["env"]>;

function containerEnv(
  environment: Readonly<Record<string, string>>,
  configured: KanikoImageBuilderConfig["env"],
): ContainerEnv {
  const own = new Set(configured.map((variable) => variable.name));
  const added = Object.entries(environment)
    .filter(([name]) => !own.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
  return [...added, ...(structuredClone(configured) as ContainerEnv)];
}
