import {
  type BuildContext,
  BuildError,
  type BuildOptions,
  type ImageReference,
  type Logger,
} from "@flavorstack/core/plugin";
import { KanikoBuildError } from "../kaniko-build-error.js";
import { kanikoCacheArgs } from "../kaniko-cache-config.js";
import type { KanikoImageBuilderConfig } from "../kaniko-image-builder-config.js";
import { apiErrorInfo } from "../kube/api-error.js";
import { AttachError, type AttachedStdin, streamContextOverAttach } from "../kube/attach-stdin.js";
import { createKubeApi, type KubeApi, namespacedPath } from "../kube/kube-api.js";
import { kubeConfigSecrets } from "../kube/kube-config.js";
import type { KubeConfigLike } from "../kube/lean-kube-config.js";
import { LOG_TAIL_LINES, LogFollower } from "../kube/log-follower.js";
import { PodWaitTimeoutError, watchPod } from "../kube/pod-watcher.js";
import { deletePod } from "./delete-pod.js";
import {
  type BuildSite,
  explainCannotStart,
  explainCreateFailure,
  explainNoScaleUp,
  explainNotRunning,
  explainStreamFailure,
  explainTermination,
  explainUnfinished,
  explainWaitFailure,
  type FailureReport,
  type TerminatedPod,
} from "./explain-failure.js";
import {
  buildKanikoPod,
  generatePodName,
  KANIKO_CONTAINER_NAME,
  type KanikoContextSource,
  kanikoExecutorArgs,
  STDIN_CONTEXT,
} from "./kaniko-pod-spec.js";
import { namedSecretValues } from "./named-secret-values.js";
import { listPodEvents, podEvents } from "./pod-events.js";
import { type PodProgress, podProgress } from "./pod-status.js";
import { preflightChecks } from "./preflight-checks.js";
import { onProcessSignal } from "./process-signals.js";
import { createRedactor, type Redactor, redactError } from "./redact.js";
import { NoScaleUpError, ScaleUpWait } from "./scale-up-wait.js";

/** How long to wait for the pod's result after the attach stream broke. */
const RESULT_AFTER_STREAM_ERROR_MS = 10_000;
/** ...and after the attach was refused (the container may have ended already, e.g. on a bad flag). */
const RESULT_AFTER_REFUSED_ATTACH_MS = 2_000;
/** Extra wait past `activeDeadlineSeconds` before giving up on the pod's end. */
const DEADLINE_MARGIN_MS = 120_000;

export interface KanikoBuildSessionOptions {
  config: KanikoImageBuilderConfig;
  /** The image to push (checked by the builder). */
  destination: ImageReference;
  /** The build's options: signal, onLog, onProgress, dockerfile, build args, labels, target. */
  build: BuildOptions;
  logger: Logger;
  /** The kubeconfig with the configured context selected; `connect()` calls it. */
  loadKubeConfig: () => Promise<KubeConfigLike>;
  /** Delete the pod on SIGINT/SIGTERM, then re-raise the signal. */
  handleProcessSignals: boolean;
  /** Values to keep out of logs and errors besides those the session finds: the stack's secret config fields. */
  secretValues?: readonly string[];
}

type StartedPod = Exclude<PodProgress, { kind: "pending" | "unschedulable" }>;

/**
 * One kaniko build pod's life, in the steps `build()` takes: `connect()`,
 * `createPod()`, `waitUntilRunning()`, `streamContext()`, `waitForEnd()`,
 * `result()`. `close()` deletes the pod on every path (success, failure,
 * timeout, the build's abort signal, SIGINT/SIGTERM) with a fresh request,
 * and `explain(error)` turns an abort or a signal into the build's error and
 * keeps secrets out of every message.
 */
export class KanikoBuildSession {
  readonly #config: KanikoImageBuilderConfig;
  readonly #destination: ImageReference;
  readonly #build: BuildOptions;
  readonly #logger: Logger;
  readonly #loadKubeConfig: () => Promise<KubeConfigLike>;
  readonly #redact: Redactor;
  /** Aborted by the build's signal or a process signal: ends every wait and the stream. */
  readonly #controller = new AbortController();
  readonly #podName: string;
  readonly #buildId: string;
  readonly #site: BuildSite;
  readonly #unregisterSignals: () => void;
  readonly #onUserAbort = () => this.#controller.abort(this.#build.signal?.reason);
  #interruptedBy: NodeJS.Signals | undefined;
  #kubeConfig: KubeConfigLike | undefined;
  #kubeApi: KubeApi | undefined;
  #stdin = false;
  /** The create request, once sent and not refused: from then on there may be a pod to delete. */
  #creating: Promise<unknown> | undefined;
  #deleting: Promise<boolean> | undefined;
  #logs: LogFollower | undefined;
  #attached: AttachedStdin | undefined;
  /** The pod's end, when it came before `waitForEnd()` (it ended at once, or the stream broke). */
  #ended: TerminatedPod | undefined;
  #streamError: unknown;

  constructor(options: KanikoBuildSessionOptions) {
    this.#config = options.config;
    this.#destination = options.destination;
    this.#build = options.build;
    this.#logger = options.logger;
    this.#loadKubeConfig = options.loadKubeConfig;
    this.#redact = createRedactor([
      ...namedSecretValues({ env: options.config.env, buildArgs: options.build.buildArgs }),
      ...(options.secretValues ?? []),
    ]);
    const { podName, buildId } = generatePodName();
    this.#podName = podName;
    this.#buildId = buildId;
    const { kubernetesContext: context, kubernetesNamespace: namespace } = options.config;
    this.#site = { context, namespace, pod: `${namespace}/${podName}` };
    const signal = options.build.signal;
    if (signal?.aborted) this.#controller.abort(signal.reason);
    else signal?.addEventListener("abort", this.#onUserAbort, { once: true });
    this.#unregisterSignals = options.handleProcessSignals
      ? onProcessSignal((received) => this.#interrupt(received))
      : () => {};
  }

  /** Aborted by the build's signal or a process signal (what every step, the upload included, stops on). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** `namespace/pod` of the build pod. */
  get pod(): string {
    return this.#site.pod;
  }

  /** Loads the kubeconfig and runs the pre-flight checks (namespace, `dockerConfigSecret`), collecting secrets to redact. */
  async connect(): Promise<void> {
    this.#throwIfAborted();
    const kubeConfig = await this.#loadKubeConfig();
    for (const secret of kubeConfigSecrets(kubeConfig)) this.#redact.add(secret);
    this.#kubeConfig = kubeConfig;
    this.#kubeApi = createKubeApi(kubeConfig, { onCredential: this.#redact.add });
    const found = await preflightChecks({
      api: this.#kubeApi,
      site: this.#site,
      config: this.#config,
      destination: this.#destination,
      server: kubeConfig.getCurrentCluster()?.server,
      logger: this.#logger,
      signal: this.#controller.signal,
    });
    for (const secret of found) this.#redact.add(secret);
    this.#throwIfAborted();
  }

  /** Creates the pod that runs the executor on the context (`tar://stdin`, `s3://...`, `gs://...`). */
  async createPod(context: KanikoContextSource): Promise<void> {
    this.#throwIfAborted();
    const contextArgument = context.argument;
    const api = this.#api;
    const destination = this.#destination.toString();
    this.#stdin = contextArgument === STDIN_CONTEXT;
    for (const secret of namedSecretValues({ environment: context.environment })) this.#redact.add(secret);
    const args = kanikoExecutorArgs({
      dockerfile: this.#build.dockerfile ?? "Dockerfile",
      context: contextArgument,
      destination,
      buildArgs: this.#build.buildArgs,
      labels: this.#build.labels,
      target: this.#build.target,
      cacheArgs: kanikoCacheArgs(this.#config.cache, this.#destination, this.#config.executorArgs),
      executorArgs: this.#config.executorArgs,
    });
    const pod = buildKanikoPod({
      podName: this.#podName,
      buildId: this.#buildId,
      image: destination,
      args,
      config: this.#config,
      stdin: this.#stdin,
      environment: context.environment,
    });
    this.#logger.info(
      `Building ${destination} with kaniko in pod ${this.#site.pod} (context ${this.#stdin ? "streamed over stdin" : contextArgument}).`,
    );
    this.#creating = api.request("POST", namespacedPath(this.#site.namespace, "pods"), { body: pod });
    try {
      await this.#creating;
    } catch (error) {
      const { code } = apiErrorInfo(error);
      if (code !== undefined && code < 500) this.#creating = undefined; // refused: nothing to delete
      throw explainCreateFailure(error, this.#site);
    }
    this.#throwIfAborted();
  }

  /**
   * Waits up to `podRunningTimeout` for the container to run (or end); fails early when it cannot start, or when it
   * is unschedulable and no autoscaler signals a scale-up (see {@link ScaleUpWait}).
   */
  async waitUntilRunning(): Promise<void> {
    const scaleUp = new ScaleUpWait({
      graceMs: this.#config.scaleUpGraceSeconds * 1000,
      readEvents: (signal) => listPodEvents(this.#api, this.#site.namespace, this.#podName, signal),
      onTriggered: (message) =>
        this.#logger.info(`Build pod ${this.#site.pod}: waiting for a node (scale-up triggered: ${message}).`),
    });
    let started: StartedPod;
    try {
      const timeoutMs = this.#config.podRunningTimeout * 1000;
      started = await this.#watch<StartedPod>(timeoutMs, (progress) => scaleUp.started(progress), scaleUp.signal);
    } catch (error) {
      if (error instanceof PodWaitTimeoutError) {
        const lastSeen = error.lastPod ? podProgress(error.lastPod, KANIKO_CONTAINER_NAME) : undefined;
        throw await this.#failure(
          explainNotRunning(this.#site, this.#config.podRunningTimeout, lastSeen, scaleUp.triggered),
        );
      }
      if (error instanceof NoScaleUpError) {
        throw await this.#failure(explainNoScaleUp(this.#site, error, this.#config.scaleUpGraceSeconds));
      }
      throw await this.#waitFailure(error);
    } finally {
      scaleUp.close();
    }
    if (started.kind === "cannot-start") {
      throw await this.#failure(explainCannotStart(this.#site, started, this.#config.executorImage));
    }
    this.#logs = new LogFollower({
      api: this.#api,
      namespace: this.#site.namespace,
      podName: this.#podName,
      container: KANIKO_CONTAINER_NAME,
      onLine: this.#build.onLog,
      redact: this.#redact,
    });
    this.#logs.start();
    if (started.kind === "terminated") this.#ended = started;
  }

  /**
   * Streams the context over attach, when it goes over stdin and the
   * executor still runs. A broken stream fails the build unless the pod's
   * result says more (the executor failed and closed it, or ended before the
   * attach and the server refused it).
   */
  async streamContext(buildContext: BuildContext): Promise<void> {
    if (!this.#stdin || this.#ended) return;
    try {
      this.#attached = await streamContextOverAttach({
        kubeConfig: this.#kubeConfig as KubeConfigLike,
        namespace: this.#site.namespace,
        podName: this.#podName,
        container: KANIKO_CONTAINER_NAME,
        buildContext,
        signal: this.#controller.signal,
        onProgress: this.#build.onProgress,
      });
      this.#logger.debug(
        `Sent the build context (${this.#attached.bytes} bytes, ${this.#attached.protocol}) to ${this.#site.pod}.`,
      );
    } catch (error) {
      if (this.#controller.signal.aborted) throw error;
      const refused = error instanceof AttachError && !error.connected;
      const ended = await this.#waitForTermination(
        refused ? RESULT_AFTER_REFUSED_ATTACH_MS : RESULT_AFTER_STREAM_ERROR_MS,
      ).catch(() => undefined);
      if (!ended || ended.exitCode === 0) throw await this.#failure(explainStreamFailure(error, this.#site));
      this.#ended = ended;
      this.#streamError = error;
    }
  }

  /** Waits for the container to end (up to `activeDeadlineSeconds` and a margin), then for the rest of its log. */
  async waitForEnd(): Promise<TerminatedPod> {
    let ended = this.#ended;
    if (!ended) {
      const deadline = this.#config.activeDeadlineSeconds;
      try {
        ended = await this.#waitForTermination(deadline * 1000 + DEADLINE_MARGIN_MS);
      } catch (error) {
        if (error instanceof PodWaitTimeoutError) throw await this.#failure(explainUnfinished(this.#site, deadline));
        throw await this.#waitFailure(error);
      }
    }
    await this.#logs?.finish();
    return ended;
  }

  /** The pushed image with its digest, or a `KanikoBuildError` saying why there is none. */
  async result(ended: TerminatedPod): Promise<ImageReference> {
    const outcome = explainTermination(ended, this.#destination, this.#site, {
      activeDeadlineSeconds: this.#config.activeDeadlineSeconds,
      streamError: this.#streamError,
    });
    if (!outcome.ok) throw await this.#failure(outcome.failure);
    this.#logger.info(`Pushed ${outcome.image}.`);
    return outcome.image;
  }

  /** The error `build()` throws: an aborted or interrupted build says so; secrets are redacted. */
  explain(error: unknown): unknown {
    const signal = this.#controller.signal;
    let explained = error;
    if (signal.aborted) {
      const how = this.#interruptedBy ? `interrupted by ${this.#interruptedBy}` : "aborted";
      explained = new BuildError(`The build of ${this.#destination} was ${how}.`, { cause: signal.reason });
    }
    return redactError(explained, this.#redact);
  }

  /** Stops following and streaming, deletes the pod (if one may exist) and removes the signal handlers. */
  async close(): Promise<void> {
    this.#logs?.stop();
    this.#attached?.close();
    this.#build.signal?.removeEventListener("abort", this.#onUserAbort);
    if (this.#creating) await this.#deletePod();
    this.#unregisterSignals();
  }

  get #api(): KubeApi {
    if (!this.#kubeApi) throw new BuildError("KanikoBuildSession: connect() must come before the other steps.");
    return this.#kubeApi;
  }

  #throwIfAborted(): void {
    this.#controller.signal.throwIfAborted();
  }

  async #interrupt(signal: NodeJS.Signals): Promise<void> {
    this.#interruptedBy = signal;
    this.#logger.warn(
      this.#creating
        ? `${signal} received: deleting the kaniko build pod ${this.#site.pod}.`
        : `${signal} received: stopping the kaniko build.`,
    );
    this.#controller.abort(new Error(`interrupted by ${signal}`));
    if (this.#creating) await this.#deletePod();
  }

  /** Deletes the pod once, after its create request settled (a pod being created cannot be deleted yet). */
  #deletePod(): Promise<boolean> {
    this.#deleting ??= (async () => {
      await this.#creating?.catch(() => {});
      return deletePod({
        api: this.#api,
        context: this.#site.context,
        namespace: this.#site.namespace,
        name: this.#podName,
        logger: this.#logger,
        redact: this.#redact,
      });
    })();
    return this.#deleting;
  }

  #watch<T>(timeoutMs: number, decide: (progress: PodProgress) => T | undefined, until?: AbortSignal): Promise<T> {
    return watchPod<T>({
      api: this.#api,
      namespace: this.#site.namespace,
      name: this.#podName,
      signal: until ? AbortSignal.any([this.#controller.signal, until]) : this.#controller.signal,
      timeoutMs,
      watchTimeoutSeconds: this.#config.watchTimeoutSeconds,
      decide: (pod) => decide(podProgress(pod, KANIKO_CONTAINER_NAME)),
    });
  }

  #waitForTermination(timeoutMs: number): Promise<TerminatedPod> {
    return this.#watch<TerminatedPod>(timeoutMs, (progress) => (progress.kind === "terminated" ? progress : undefined));
  }

  async #waitFailure(error: unknown): Promise<unknown> {
    if (this.#controller.signal.aborted) return error;
    return this.#failure(explainWaitFailure(error, this.#site));
  }

  /**
   * A `KanikoBuildError` with the log tail and the pod's events. Without a
   * followed log (no pods/log permission, or it broke), the end of the log
   * the kubelet put in the termination message (FallbackToLogsOnError) stands in.
   */
  async #failure({ summary, terminationMessage, ...details }: FailureReport): Promise<KanikoBuildError> {
    const followed = this.#logs?.tail() ?? [];
    const logTail =
      followed.length > 0 || !terminationMessage
        ? followed
        : terminationMessage
            .trimEnd()
            .split("\n")
            .slice(-LOG_TAIL_LINES)
            .map((line) => this.#redact(line));
    return new KanikoBuildError(this.#redact(summary), {
      pod: this.#site.pod,
      ...details,
      logTail,
      events: await podEvents(this.#api, this.#site.namespace, this.#podName, this.#redact),
    });
  }
}
