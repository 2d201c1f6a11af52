import {
  type BuildContext,
  BuildError,
  type BuildOptions,
  ConfigError,
  type ContainerRegistry,
  consoleLogger,
  ImageBuilder,
  type ImageReference,
  type Logger,
  type StackComponentInit,
  type StackValidator,
} from "@flavorstack/core/plugin";
import type { CoreV1Event, CoreV1EventList, V1Pod, V1PodList } from "@kubernetes/client-node";
import { apiErrorInfo, describeApiError } from "./api-error.js";
import { AttachError, type AttachedStdin, eventMessage, streamContextOverAttach } from "./attach-stdin.js";
import { KanikoBuildError } from "./kaniko-build-error.js";
import type { KanikoImageBuilderConfig } from "./kaniko-image-builder-config.js";
import {
  buildKanikoPod,
  generatePodName,
  KANIKO_CONTAINER_NAME,
  KANIKO_POD_SELECTOR,
  kanikoExecutorArgs,
  STDIN_CONTEXT,
} from "./kaniko-pod-spec.js";
import { createKanikoStackValidator, LOCAL_ARTIFACT_STORE_MESSAGE } from "./kaniko-stack-validator.js";
import { createKubeApi, type KubeApi, namespacedPath } from "./kube-api.js";
import { type KubeConfigSource, kubeConfigSecrets, loadKubeConfig } from "./kube-config.js";
import type { KubeConfigLike } from "./lean-kube-config.js";
import { LOG_TAIL_LINES, LogFollower } from "./log-follower.js";
import { type PodProgress, podProgress } from "./pod-status.js";
import { PodGoneError, WatchRefusedError, watchPod } from "./pod-watcher.js";
import { onProcessSignal } from "./process-signals.js";
import { createRedactor, type Redactor } from "./redact.js";
import { parseTerminationMessage } from "./termination-message.js";

/** Where uploaded contexts go under the artifact store's root (ZenML's folder). */
export const KANIKO_CONTEXT_DIR = "kaniko-build-contexts";

/** How long to wait for the pod's result after the attach stream broke. */
const RESULT_AFTER_STREAM_ERROR_MS = 10_000;
/** ...and after the attach was refused (the container may have ended already, e.g. on a bad flag). */
const RESULT_AFTER_REFUSED_ATTACH_MS = 2_000;
/** Extra wait past `activeDeadlineSeconds` before giving up on the pod's end. */
const DEADLINE_MARGIN_MS = 120_000;
const DELETE_ATTEMPTS = 3;
/** Per DELETE attempt: three of them and the pauses stay under process-signals' 20 s cleanup budget. */
const DELETE_TIMEOUT_MS = 5000;

export interface KanikoImageBuilderOptions {
  /**
   * The kubeconfig, or a function returning it (for dependency injection).
   * Default: `KUBECONFIG`, `~/.kube/config`, then the in-cluster service account.
   */
  kubeConfig?: KubeConfigSource;
  /** A kubeconfig file to read instead of the default places. */
  kubeconfigPath?: string;
  /** Delete the build pod on SIGINT/SIGTERM, then re-raise the signal (default true). */
  handleProcessSignals?: boolean;
  /** Where the builder reports; a build's `options.logger` wins. */
  logger?: Logger;
}

export interface SweepOptions {
  /** Only pods created at least this many seconds ago are deleted. */
  olderThanSeconds: number;
}

type Terminated = Extract<PodProgress, { kind: "terminated" }>;
type Started = Exclude<PodProgress, { kind: "pending" }>;

type FailureFactory = (
  summary: string,
  details: {
    exitCode?: number | undefined;
    reason?: string | undefined;
    cause?: unknown;
    /** The container's termination message: on failure, the end of its log (FallbackToLogsOnError). */
    terminationMessage?: string | undefined;
  },
) => Promise<KanikoBuildError>;

/** A wait for the pod ended by its time limit. */
class PodWaitTimeout extends Error {
  constructor(readonly lastPod: V1Pod | undefined) {
    super("timed out");
  }
}

/**
 * Builds images in a Kubernetes pod running the kaniko executor, talking to
 * the API server directly with the kubeconfig's credentials (see
 * `lean-kube-config.ts`; loaded on the first build, never when flavors are
 * listed). The context is streamed over the pod's
 * stdin or read by kaniko from the artifact store; the pod is deleted on
 * every path.
 */
export class KanikoImageBuilder extends ImageBuilder<KanikoImageBuilderConfig> {
  readonly #options: KanikoImageBuilderOptions;

  constructor(init: StackComponentInit<KanikoImageBuilderConfig>, options: KanikoImageBuilderOptions = {}) {
    super(init);
    this.#options = { ...options };
  }

  get isBuildingLocally(): boolean {
    return false;
  }

  override get validator(): StackValidator {
    return createKanikoStackValidator({ storeContextInArtifactStore: this.config.storeContextInArtifactStore });
  }

  async build(
    imageName: string | ImageReference,
    buildContext: BuildContext,
    options: BuildOptions = {},
    containerRegistry?: ContainerRegistry,
  ): Promise<ImageReference> {
    const config = this.config;
    const logger = options.logger ?? this.#options.logger ?? consoleLogger;
    if (!containerRegistry) {
      throw new BuildError(
        "Unable to use the Kaniko image builder without a container registry: add a (remote) container registry to the stack, the image is pushed there.",
      );
    }
    const destination = await this.checkBuildRequest(imageName, buildContext, options, containerRegistry);
    const userSignal = options.signal;
    const aborted = () => new BuildError(`The build of ${destination} was aborted.`, { cause: userSignal?.reason });
    if (userSignal?.aborted) throw aborted();

    const kubeConfig = await this.#kubeConfig();
    const redact = createRedactor([...config.env.map((variable) => variable.value), ...kubeConfigSecrets(kubeConfig)]);
    const namespace = config.kubernetesNamespace;
    try {
      const api = createKubeApi(kubeConfig, { onCredential: redact.add });
      await this.#checkNamespace(api, kubeConfig);
      if (userSignal?.aborted) throw aborted();
      const contextArg = await this.#contextArgument(buildContext, options, logger);
      if (userSignal?.aborted) throw aborted();
      return await this.#runPod({
        kubeConfig,
        api,
        namespace,
        destination,
        buildContext,
        options,
        contextArg,
        logger,
        redact,
        aborted,
      });
    } catch (error) {
      throw scrub(error, redact);
    }
  }

  /**
   * Deletes this builder's leftover build pods (ours by label) in the
   * namespace that were created at least `olderThanSeconds` ago. Returns the
   * names deleted.
   */
  async sweep(options: SweepOptions): Promise<string[]> {
    if (!Number.isFinite(options.olderThanSeconds) || options.olderThanSeconds < 0) {
      throw new ConfigError(
        `sweep({ olderThanSeconds }) needs a number of seconds ≥ 0, got ${String(options.olderThanSeconds)}. Note that pods younger than a running build's activeDeadlineSeconds (${this.config.activeDeadlineSeconds} s) may still be building.`,
      );
    }
    const api = createKubeApi(await this.#kubeConfig());
    const namespace = this.config.kubernetesNamespace;
    const logger = this.#options.logger ?? consoleLogger;
    let pods: V1Pod[];
    try {
      pods = (
        await api.request<V1PodList>("GET", namespacedPath(namespace, "pods"), {
          query: { labelSelector: KANIKO_POD_SELECTOR },
        })
      ).items;
    } catch (error) {
      throw new BuildError(
        `Listing the kaniko build pods in namespace '${namespace}' failed: ${describeApiError(error)}.`,
        {
          cause: error,
        },
      );
    }
    const cutoff = Date.now() - options.olderThanSeconds * 1000;
    const old = pods.filter((pod) => {
      const created = pod.metadata?.creationTimestamp;
      return created !== undefined && new Date(created).getTime() <= cutoff && pod.metadata?.name;
    });
    const deleted: string[] = [];
    for (const pod of old) {
      const name = pod.metadata?.name as string;
      if (await deletePod(api, namespace, name, this.#contextName, logger)) deleted.push(name);
    }
    if (deleted.length > 0) logger.info(`Deleted ${deleted.length} leftover kaniko build pod(s) in '${namespace}'.`);
    return deleted;
  }

  get #contextName(): string {
    return this.config.kubernetesContext;
  }

  async #kubeConfig(): Promise<KubeConfigLike> {
    return loadKubeConfig({
      source: this.#options.kubeConfig,
      kubeconfigPath: this.#options.kubeconfigPath,
      context: this.config.kubernetesContext,
    });
  }

  /** The namespace must exist (it is never created); a 403 on reading it is fine (namespace-scoped users). */
  async #checkNamespace(api: KubeApi, kubeConfig: KubeConfigLike): Promise<void> {
    const namespace = this.config.kubernetesNamespace;
    const context = this.#contextName;
    try {
      await api.request("GET", namespacedPath(namespace));
    } catch (error) {
      const { code } = apiErrorInfo(error);
      if (code === 404) {
        throw new ConfigError(
          `The Kubernetes namespace '${namespace}' does not exist in context '${context}'. The Kaniko image builder never creates it: it must exist. Create it with \`kubectl --context ${context} create namespace ${namespace}\`, or set 'kubernetesNamespace' to an existing namespace.`,
        );
      }
      if (code === 403) return;
      if (code === 401) {
        throw new BuildError(
          `The API server of context '${context}' refused the kubeconfig's credentials (HTTP 401). Refresh them (e.g. log in to your cloud again) and retry.`,
          { cause: error },
        );
      }
      throw new BuildError(
        `Cannot talk to the Kubernetes API server of context '${context}' (${kubeConfig.getCurrentCluster()?.server}): ${describeApiError(error)}. Check that the cluster is up and reachable from here.`,
        { cause: error },
      );
    }
  }

  /** `tar://stdin`, or the artifact store URI of the uploaded (content-addressed) context. */
  async #contextArgument(buildContext: BuildContext, options: BuildOptions, logger: Logger): Promise<string> {
    if (!this.config.storeContextInArtifactStore) return STDIN_CONTEXT;
    const store = options.artifactStore;
    if (!store) {
      throw new BuildError(
        "The Kaniko image builder is configured to read the build context from the artifact store (storeContextInArtifactStore), but the build got no artifact store: build through the stack (stack.buildImage) or pass options.artifactStore.",
      );
    }
    if (store.isLocal) throw new BuildError(LOCAL_ARTIFACT_STORE_MESSAGE);
    if (!/^(s3|gs):\/\//.test(store.path)) {
      throw new BuildError(
        `kaniko reads build contexts from s3:// or gs:// buckets, and the artifact store '${store.name}' is at '${store.path}'. Use an S3 or GCS artifact store, or set storeContextInArtifactStore to false to stream the context over stdin.`,
      );
    }
    try {
      const uploaded = await this.uploadBuildContext(buildContext, KANIKO_CONTEXT_DIR, store, logger);
      return uploaded.uri;
    } catch (error) {
      throw new BuildError(
        `Uploading the Kaniko build context to the artifact store failed: ${eventMessage(error)}. Make sure you may write to the artifact store, or stream the context over stdin instead: \`flavorstack image-builder update ${this.name} --store-context-in-artifact-store=false\`.`,
        { cause: error },
      );
    }
  }

  async #runPod(run: {
    kubeConfig: KubeConfigLike;
    api: KubeApi;
    namespace: string;
    destination: ImageReference;
    buildContext: BuildContext;
    options: BuildOptions;
    contextArg: string;
    logger: Logger;
    redact: Redactor;
    aborted: () => BuildError;
  }): Promise<ImageReference> {
    const { kubeConfig, api, namespace, destination, options, logger, redact } = run;
    const config = this.config;
    const context = this.#contextName;
    const stdin = run.contextArg === STDIN_CONTEXT;
    const { podName, buildId } = generatePodName();
    const ref = `${namespace}/${podName}`;
    const args = kanikoExecutorArgs({
      dockerfile: options.dockerfile ?? "Dockerfile",
      context: run.contextArg,
      destination: destination.toString(),
      buildArgs: options.buildArgs,
      labels: options.labels,
      target: options.target,
      executorArgs: config.executorArgs,
    });
    const pod = buildKanikoPod({ podName, buildId, image: destination.toString(), args, config, stdin });

    const session = new AbortController();
    let interruptedBy: NodeJS.Signals | undefined;
    const onUserAbort = () => session.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onUserAbort, { once: true });

    let creating: Promise<unknown> | undefined;
    let deleting: Promise<boolean> | undefined;
    const removePod = () => {
      deleting ??= (async () => {
        await creating?.catch(() => {});
        return deletePod(api, namespace, podName, context, logger, redact);
      })();
      return deleting;
    };
    const unregister =
      this.#options.handleProcessSignals === false
        ? () => {}
        : onProcessSignal(async (signal) => {
            interruptedBy = signal;
            logger.warn(`${signal} received: deleting the kaniko build pod ${ref}.`);
            session.abort(new Error(`interrupted by ${signal}`));
            if (creating) await removePod();
          });

    const logs = new LogFollower({
      api,
      namespace,
      podName,
      container: KANIKO_CONTAINER_NAME,
      onLine: options.onLog,
      redact,
    });
    let attached: AttachedStdin | undefined;
    const failure: FailureFactory = async (summary, { terminationMessage, ...details }) => {
      // Without a followed log (no pods/log permission, or it broke), the end of the log the kubelet
      // put in the termination message (FallbackToLogsOnError) stands in.
      const followed = logs.tail();
      const logTail =
        followed.length > 0 || !terminationMessage
          ? followed
          : terminationMessage.trimEnd().split("\n").slice(-LOG_TAIL_LINES).map(redact);
      return new KanikoBuildError(redact(summary), {
        pod: ref,
        ...details,
        logTail,
        events: await podEvents(api, namespace, podName, redact),
      });
    };

    /** A wait that ended otherwise than by its time limit: the pod was deleted, or watching it failed. */
    const watchFailure = async (error: unknown) => {
      if (session.signal.aborted) return error;
      if (error instanceof PodGoneError) {
        return failure(`${error.message} Nothing was confirmed pushed; retry the build.`, {
          reason: "PodDeleted",
          cause: error,
        });
      }
      const code = apiErrorInfo(error).code;
      const refused = code === 401 || code === 403 || error instanceof WatchRefusedError;
      return failure(
        `Waiting for the build pod ${ref} failed: ${describeApiError(error)}.${
          refused
            ? ` The kubeconfig's user (context '${context}') needs get and watch on pods in namespace '${namespace}'.`
            : " Check that the API server is reachable; retry the build."
        }`,
        { reason: "WatchFailed", cause: error },
      );
    };

    try {
      logger.info(
        `Building ${destination} with kaniko in pod ${ref} (context ${stdin ? "streamed over stdin" : run.contextArg}).`,
      );
      creating = api.request("POST", namespacedPath(namespace, "pods"), { body: pod });
      try {
        await creating;
      } catch (error) {
        const { code } = apiErrorInfo(error);
        if (code !== undefined && code < 500) creating = undefined; // refused: nothing to delete
        throw new BuildError(
          `Creating the build pod ${ref} failed: ${describeApiError(error)}.${
            code === 403
              ? ` The kubeconfig's user (context '${context}') needs create, get, watch and delete on pods, create on pods/attach and get on pods/log in namespace '${namespace}'.`
              : ""
          }`,
          { cause: error },
        );
      }
      session.signal.throwIfAborted();

      let started: Started;
      try {
        started = await watchPod<Started>({
          api,
          namespace,
          name: podName,
          signal: session.signal,
          timeoutMs: config.podRunningTimeout * 1000,
          onTimeout: (lastPod) => new PodWaitTimeout(lastPod),
          decide: (current) => {
            const progress = podProgress(current, KANIKO_CONTAINER_NAME);
            return progress.kind === "pending" ? undefined : progress;
          },
        });
      } catch (error) {
        if (error instanceof PodWaitTimeout) {
          const where = error.lastPod ? podProgress(error.lastPod, KANIKO_CONTAINER_NAME) : undefined;
          throw await failure(
            `The build pod ${ref} was not running after ${config.podRunningTimeout} s (podRunningTimeout)${
              where?.kind === "pending" ? `: ${where.summary}` : ""
            }. Check the events below; raise podRunningTimeout if pulling the executor image is slow.`,
            { reason: "PodRunningTimeout" },
          );
        }
        throw await watchFailure(error);
      }
      if (started.kind === "cannot-start") {
        throw await failure(
          `The build pod ${ref} cannot start: ${started.reason}${started.message ? ` (${started.message})` : ""}. ${startHint(started.reason, config.executorImage)}`,
          { reason: started.reason },
        );
      }
      logs.start();

      let final: Terminated | undefined = started.kind === "terminated" ? started : undefined;
      let streamError: unknown;
      if (!final && stdin) {
        try {
          attached = await streamContextOverAttach({
            kubeConfig,
            namespace,
            podName,
            container: KANIKO_CONTAINER_NAME,
            buildContext: run.buildContext,
            signal: session.signal,
            onProgress: options.onProgress,
          });
          logger.debug(`Sent the build context (${attached.bytes} bytes, ${attached.protocol}) to ${ref}.`);
        } catch (error) {
          if (session.signal.aborted) throw error;
          streamError = error;
          const refused = error instanceof AttachError && !error.connected;
          // The executor may have failed and closed the stream, or ended before we could attach (the
          // server then refuses the attach): its result says more.
          final = await this.#waitForEnd(
            api,
            podName,
            session.signal,
            refused ? RESULT_AFTER_REFUSED_ATTACH_MS : RESULT_AFTER_STREAM_ERROR_MS,
          ).catch(() => undefined);
          if (!final || final.exitCode === 0) {
            const refusedCode = refused ? apiErrorInfo(error.cause).code : undefined;
            const hint = !refused
              ? " The build did not get its whole context; retry, and check the network between here, the API server and the node if it recurs."
              : refusedCode === undefined || refusedCode === 401 || refusedCode === 403
                ? ` The kubeconfig's user (context '${context}') needs create on pods/attach in namespace '${namespace}', and proxies between here and the API server must pass WebSocket upgrades.`
                : "";
            throw await failure(`Streaming the build context to ${ref} failed: ${eventMessage(error)}.${hint}`, {
              reason: "ContextStreamFailed",
              cause: error,
            });
          }
        }
      }
      if (!final) {
        try {
          final = await this.#waitForEnd(
            api,
            podName,
            session.signal,
            config.activeDeadlineSeconds * 1000 + DEADLINE_MARGIN_MS,
          );
        } catch (error) {
          if (error instanceof PodWaitTimeout) {
            throw await failure(
              `The build pod ${ref} did not finish within activeDeadlineSeconds (${config.activeDeadlineSeconds} s) plus a margin.`,
              { reason: "Timeout" },
            );
          }
          throw await watchFailure(error);
        }
      }
      await logs.finish();
      return await this.#result(final, destination, ref, failure, streamError, logger);
    } catch (error) {
      if (session.signal.aborted) {
        if (interruptedBy) {
          throw new BuildError(`The build of ${destination} was interrupted by ${interruptedBy}.`, {
            cause: session.signal.reason,
          });
        }
        throw run.aborted();
      }
      throw error;
    } finally {
      logs.stop();
      attached?.close();
      options.signal?.removeEventListener("abort", onUserAbort);
      if (creating) await removePod();
      unregister();
    }
  }

  #waitForEnd(api: KubeApi, podName: string, signal: AbortSignal, timeoutMs: number): Promise<Terminated> {
    return watchPod<Terminated>({
      api,
      namespace: this.config.kubernetesNamespace,
      name: podName,
      signal,
      timeoutMs,
      onTimeout: (lastPod) => new PodWaitTimeout(lastPod),
      decide: (current) => {
        const progress = podProgress(current, KANIKO_CONTAINER_NAME);
        return progress.kind === "terminated" ? progress : undefined;
      },
    });
  }

  async #result(
    final: Terminated,
    destination: ImageReference,
    ref: string,
    failure: FailureFactory,
    streamError: unknown,
    logger: Logger,
  ): Promise<ImageReference> {
    const { exitCode, reason } = final;
    if (exitCode === 0) {
      const parsed = parseTerminationMessage(final.message, destination);
      if (parsed.ok) {
        logger.info(`Pushed ${parsed.image}.`);
        return parsed.image;
      }
      throw await failure(`The kaniko build of ${destination} in pod ${ref} cannot be confirmed: ${parsed.problem}.`, {
        exitCode,
        reason: "BadTerminationMessage",
      });
    }
    const streamNote = streamError ? ` (the context stream also broke: ${eventMessage(streamError)})` : "";
    if (exitCode === undefined) {
      throw await failure(
        `The build pod ${ref} ended (${final.phase ?? "unknown phase"}${reason ? `, ${reason}` : ""}) before the executor ran${
          final.message ? `: ${final.message}` : ""
        }.${streamNote} ${failureHint(reason, this.config.activeDeadlineSeconds)}`,
        { reason },
      );
    }
    throw await failure(
      `The kaniko build of ${destination} failed in pod ${ref}: exit code ${exitCode}${reason ? ` (${reason})` : ""}${
        final.podMessage ? `: ${final.podMessage}` : ""
      }.${streamNote} ${failureHint(reason, this.config.activeDeadlineSeconds)}`,
      { exitCode, reason, terminationMessage: final.message },
    );
  }
}

/** The component factory the flavor loads. */
export function createKanikoImageBuilder(
  init: StackComponentInit<KanikoImageBuilderConfig>,
  options?: KanikoImageBuilderOptions,
): KanikoImageBuilder {
  return new KanikoImageBuilder(init, options);
}

/**
 * A factory with fixed options (a kubeconfig, a logger), e.g. registered in a
 * dependency-injection container in place of the default one.
 */
export function kanikoImageBuilderFactory(
  options: KanikoImageBuilderOptions,
): (init: StackComponentInit<KanikoImageBuilderConfig>) => KanikoImageBuilder {
  return (init) => new KanikoImageBuilder(init, options);
}

/**
 * Deletes the pod with a fresh request (never the build's aborted signal),
 * grace period 0, retrying transient failures; 404 counts as done. All
 * attempts fit in the time a process signal leaves for cleanup.
 */
async function deletePod(
  api: KubeApi,
  namespace: string,
  name: string,
  context: string,
  logger: Logger,
  redact: (text: string) => string = (text) => text,
): Promise<boolean> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= DELETE_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 250 * (attempt - 1)));
    try {
      await api.request("DELETE", namespacedPath(namespace, "pods", name), {
        query: { gracePeriodSeconds: 0 },
        timeoutMs: DELETE_TIMEOUT_MS,
      });
      logger.debug(`Deleted the kaniko build pod ${namespace}/${name}.`);
      return true;
    } catch (error) {
      const { code } = apiErrorInfo(error);
      if (code === 404) return true;
      lastError = error;
      if (code !== undefined && code < 500 && code !== 429) break;
    }
  }
  logger.warn(
    redact(
      `Could not delete the kaniko build pod ${namespace}/${name}: ${describeApiError(lastError)}. Delete it with \`kubectl --context ${context} -n ${namespace} delete pod ${name}\` (or the builder's sweep()).`,
    ),
  );
  return false;
}

/** The pod's events, oldest first, as `Warning Reason: message (xN)`; empty when they cannot be read. */
async function podEvents(api: KubeApi, namespace: string, name: string, redact: Redactor): Promise<string[]> {
  try {
    const list = await api.request<CoreV1EventList>("GET", namespacedPath(namespace, "events"), {
      query: { fieldSelector: `involvedObject.name=${name}` },
      timeoutMs: 5000,
    });
    return [...list.items]
      .sort((a, b) => eventTime(a) - eventTime(b))
      .map((event) =>
        redact(
          `${event.type ?? "Normal"} ${event.reason ?? ""}: ${event.message ?? ""}${event.count && event.count > 1 ? ` (x${event.count})` : ""}`,
        ),
      );
  } catch {
    return [];
  }
}

function eventTime(event: CoreV1Event): number {
  const when = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return when ? new Date(when).getTime() : 0;
}

function startHint(reason: string, executorImage: string): string {
  switch (reason) {
    case "ErrImagePull":
    case "ImagePullBackOff":
    case "ErrImageNeverPull":
      return `The node cannot pull the executor image '${executorImage}': check the name and tag, and the registry credentials (imagePullSecrets of the service account).`;
    case "InvalidImageName":
      return `The executor image '${executorImage}' is not a valid image name: fix 'executorImage'.`;
    case "CreateContainerConfigError":
    case "CreateContainerError":
      return "The container cannot be created from its spec: check the secrets and config maps that env, envFrom and volumes refer to exist in the namespace.";
    case "Unschedulable":
      return "No node can run the pod: check node capacity, taints and the volumes it asks for.";
    default:
      return "See the events below.";
  }
}

function failureHint(reason: string | undefined, deadline: number): string {
  switch (reason) {
    case "OOMKilled":
      return "The executor ran out of memory: give the namespace's pods a higher memory limit (e.g. with a LimitRange) or make the build lighter.";
    case "DeadlineExceeded":
      return `The pod ran longer than activeDeadlineSeconds (${deadline} s): raise it if builds take longer.`;
    case "Evicted":
      return "The node evicted the pod (resource pressure): retry, or give the pod more room.";
    default:
      return "See the executor's last log lines below (when they could be read).";
  }
}

/** Redacts secrets from an error's message and its causes' messages (API errors may echo spec values). */
function scrub(error: unknown, redact: Redactor): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const redacted = redact(current.message);
    if (redacted !== current.message) {
      try {
        current.message = redacted;
      } catch {
        // a frozen error keeps its message
      }
    }
    const body = (current as { body?: unknown }).body;
    if (typeof body === "string") {
      try {
        (current as { body?: unknown }).body = redact(body);
      } catch {
        // read-only
      }
    }
    current = current.cause;
  }
  return error;
}
