import {
  type BuildContext,
  BuildError,
  type BuildOptions,
  type ContainerRegistry,
  consoleLogger,
  ImageBuilder,
  type ImageReference,
  type Logger,
  type StackComponentInit,
  type StackValidator,
} from "@flavorstack/core/plugin";
import { type KanikoContextSource, STDIN_CONTEXT_SOURCE } from "./build/kaniko-pod-spec.js";
import type { KanikoImageBuilderConfig } from "./kaniko-image-builder-config.js";
import { createKanikoStackValidator, LOCAL_ARTIFACT_STORE_MESSAGE } from "./kaniko-stack-validator.js";
import { eventMessage } from "./kube/api-error.js";
import type { KubeConfigSource } from "./kube/kube-config.js";
import type { KubeConfigLike } from "./kube/lean-kube-config.js";

/** Where uploaded contexts go under the artifact store's root (ZenML's folder). */
const KANIKO_CONTEXT_DIR = "kaniko-build-contexts";

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

/**
 * Builds images in a Kubernetes pod running the kaniko executor, talking to
 * the API server directly with the kubeconfig's credentials. The build
 * session and the Kubernetes client layer (`build/`, `kube/`) are imported on
 * the first build or sweep, so importing the package to list flavors or
 * validate a config loads only the config schema and this class. The context is streamed over the pod's stdin or read by
 * kaniko from the artifact store; the pod is deleted on every path.
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
    const logger = options.logger ?? this.#options.logger ?? consoleLogger;
    if (!containerRegistry) {
      throw new BuildError(
        "Unable to use the Kaniko image builder without a container registry: add a (remote) container registry to the stack, the image is pushed there.",
      );
    }
    const destination = await this.checkBuildRequest(imageName, buildContext, options, containerRegistry);
    const { KanikoBuildSession } = await import("./build/kaniko-build-session.js");
    const session = new KanikoBuildSession({
      config: this.config,
      destination,
      build: options,
      logger,
      loadKubeConfig: () => this.#kubeConfig(),
      handleProcessSignals: this.#options.handleProcessSignals !== false,
      secretValues: [this, options.artifactStore, containerRegistry].flatMap(
        (component) => component?.secretValues ?? [],
      ),
    });
    try {
      await session.connect();
      const contextSource = await this.#buildContextSource(buildContext, options, session.signal, logger);
      await session.createPod(contextSource);
      await session.waitUntilRunning();
      await session.streamContext(buildContext);
      const ended = await session.waitForEnd();
      return await session.result(ended);
    } catch (error) {
      throw session.explain(error);
    } finally {
      await session.close();
    }
  }

  /**
   * Deletes this builder's leftover build pods (ours by label) in the
   * namespace that were created at least `olderThanSeconds` ago. Returns the
   * names deleted.
   */
  async sweep(options: SweepOptions): Promise<string[]> {
    const { sweepPods } = await import("./build/sweep-pods.js");
    return sweepPods({
      olderThanSeconds: options.olderThanSeconds,
      config: this.config,
      loadKubeConfig: () => this.#kubeConfig(),
      logger: this.#options.logger ?? consoleLogger,
    });
  }

  async #kubeConfig(): Promise<KubeConfigLike> {
    const { loadKubeConfig } = await import("./kube/kube-config.js");
    return loadKubeConfig({
      source: this.#options.kubeConfig,
      kubeconfigPath: this.#options.kubeconfigPath,
      context: this.config.kubernetesContext,
    });
  }

  /**
   * `tar://stdin`, or the artifact store URI of the uploaded (content-addressed) context with the env kaniko's
   * S3/GCS client needs to reach the store (endpoint, path style, region; never credentials).
   */
  async #buildContextSource(
    buildContext: BuildContext,
    options: BuildOptions,
    signal: AbortSignal,
    logger: Logger,
  ): Promise<KanikoContextSource> {
    if (!this.config.storeContextInArtifactStore) return STDIN_CONTEXT_SOURCE;
    const store = options.artifactStore;
    if (!store) {
      throw new BuildError(
        "The Kaniko image builder is configured to read the build context from the artifact store (storeContextInArtifactStore), but the build got no artifact store: build through the stack (stack.buildImage) or pass options.artifactStore.",
      );
    }
    if (store.isLocal) throw new BuildError(LOCAL_ARTIFACT_STORE_MESSAGE);
    if (!/^(s3|gs):\/\//.test(store.path)) {
      throw new BuildError(
        `kaniko reads build contexts from s3:// or gs:// buckets, and the artifact store '${store.name}' is at '${store.path}'. Use an S3 or GCS artifact store, or set storeContextInArtifactStore to false on the image builder '${this.name}' to stream the context over stdin.`,
      );
    }
    try {
      const uploaded = await this.uploadBuildContext(buildContext, KANIKO_CONTEXT_DIR, store, {
        logger,
        signal,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      return { argument: uploaded.uri, environment: store.containerEnvironment() };
    } catch (error) {
      if (signal.aborted) throw error;
      const problem = eventMessage(error).replace(/(?<![.!?])$/, ".");
      throw new BuildError(
        `${problem} Kaniko reads its build context from the artifact store '${store.name}': make sure this process may write to ${store.path}, or set storeContextInArtifactStore to false on the image builder '${this.name}' to stream the context over the pod's stdin instead.`,
        { cause: error },
      );
    }
  }
}
