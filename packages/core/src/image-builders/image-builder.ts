import type { ArtifactStore } from "../artifact-stores/artifact-store.js";
import type { BuildContext } from "../build-context/build-context.js";
import type { ContainerRegistry } from "../container-registries/container-registry.js";
import { BuildError, ConfigError, errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";
import { StackComponent } from "../stack/stack-component.js";
import { ImageReference } from "./image-reference.js";

declare module "../stack/stack-component.js" {
  interface StackComponentsByType {
    image_builder: ImageBuilder;
  }
}

export interface BuildProgress {
  /**
   * What the bytes count: `archive` (the context archived for a local engine), `upload` (to the artifact
   * store), `stream` (to a remote builder, e.g. a pod's stdin). Absent from builders that predate it.
   */
  phase?: "archive" | "upload" | "stream";
  /** Bytes of the build context written in this phase so far. */
  bytes: number;
}

export interface BuildOptions {
  /** `--build-arg` values. */
  buildArgs?: Record<string, string>;
  /** `--label` values. */
  labels?: Record<string, string>;
  /** Multi-stage target. */
  target?: string;
  /** The Dockerfile's path inside the context; `Dockerfile` by default. */
  dockerfile?: string;
  /** Cancels the build; every resource it made is cleaned up. */
  signal?: AbortSignal;
  /** Where progress and warnings go. */
  logger?: Logger;
  /** The build's own output, line by line. */
  onLog?: (line: string) => void;
  onProgress?: (progress: BuildProgress) => void;
  /** The stack's artifact store, for builders that upload the context. */
  artifactStore?: ArtifactStore;
}

export interface UploadedBuildContext {
  /** `<store path>/<dir>/<sha256>.tar.gz` */
  uri: string;
  /** The context's content address, {@link BuildContext.checksum}. */
  sha256: string;
  /** False when the same context was already in the store. */
  uploaded: boolean;
  /** Bytes written to the store (the gzipped archive); 0 when nothing was uploaded. */
  bytes: number;
}

export interface UploadBuildContextOptions {
  logger?: Logger;
  /** Aborting destroys the upload: the store keeps nothing of it, and the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** `{ phase: "upload", bytes }` as the archive is written to the store. */
  onProgress?: (progress: BuildProgress) => void;
}

/** Builds images from a build context and pushes them to the stack's container registry. */
export abstract class ImageBuilder<TConfig = unknown> extends StackComponent<TConfig> {
  readonly type = "image_builder" as const;

  /** True when the build runs on this machine. */
  abstract get isBuildingLocally(): boolean;

  /**
   * Builds `imageName` from the context and, with a container registry, pushes it.
   * Resolves to the reference with the pushed manifest's digest.
   */
  abstract build(
    imageName: string | ImageReference,
    buildContext: BuildContext,
    options?: BuildOptions,
    containerRegistry?: ContainerRegistry,
  ): Promise<ImageReference>;

  /**
   * Uploads the gzipped context to `<store path>/<dir>/<sha256>.tar.gz`, named by its content address
   * ({@link BuildContext.checksum}), unless that object already exists: the same context is stored once, and the
   * second build uploads nothing. The archive streams into the store's writer (S3 multipart, GCS resumable), never
   * whole in memory or in a temp file. A context that changes while it is uploaded is refused and its object
   * removed, so a name never holds other content.
   * @throws BuildError naming the object when the upload fails (`cause` kept), or the signal's reason when aborted
   */
  async uploadBuildContext(
    buildContext: BuildContext,
    dir: string,
    artifactStore: ArtifactStore,
    options: UploadBuildContextOptions = {},
  ): Promise<UploadedBuildContext> {
    const { logger, signal, onProgress } = options;
    signal?.throwIfAborted();
    const digest = await buildContext.digest();
    const { sha256 } = digest;
    const uri = artifactStore.join(dir, `${sha256}.tar.gz`);
    if (await artifactStore.exists(uri)) {
      logger?.info(`Build context ${sha256} already exists at ${uri}, not uploading.`);
      return { uri, sha256, uploaded: false, bytes: 0 };
    }
    signal?.throwIfAborted();
    logger?.info(`Uploading build context to ${uri}.`);
    const sink = await artifactStore.openWrite(uri);
    const abort = () => sink.destroy(signal?.reason);
    signal?.addEventListener("abort", abort, { once: true });
    try {
      const written = await buildContext.writeArchive(sink, {
        gzip: true,
        ...(onProgress ? { onProgress: (bytes: number) => onProgress({ phase: "upload", bytes }) } : {}),
      });
      if (!digest.unchanged()) {
        await artifactStore.remove(uri);
        throw new BuildError(
          `The build context at ${buildContext.root} changed while it was being uploaded, so ${uri} would not hold the content its name says; stop whatever writes into it and build again.`,
        );
      }
      return { uri, sha256, uploaded: true, bytes: written.bytes };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof BuildError) throw error;
      throw new BuildError(`Uploading the build context to ${uri} failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  /**
   * The checks every builder makes first: a valid image name without a digest,
   * inside the container registry when there is one, and a Dockerfile in the context.
   * Resolves to the image to build, tagged `latest` when the name has no tag.
   */
  protected async checkBuildRequest(
    imageName: string | ImageReference,
    buildContext: BuildContext,
    options: BuildOptions,
    containerRegistry: ContainerRegistry | undefined,
  ): Promise<ImageReference> {
    const image = ImageReference.from(imageName);
    if (image.digest !== undefined) {
      throw new ConfigError(
        `Cannot build '${image}': the image name has a digest. Name the image by repository and tag.`,
      );
    }
    containerRegistry?.assertContains(image);
    checkKeys("build arg", options.buildArgs);
    checkKeys("label", options.labels);
    const dockerfile = options.dockerfile ?? "Dockerfile";
    if (!(await buildContext.files()).includes(dockerfile)) {
      throw new BuildError(
        `The build context at ${buildContext.root} has no ${dockerfile}: add one, or pass it in the context's extraFiles.`,
      );
    }
    return image.tag === undefined ? image.withTag("latest") : image;
  }
}

/**
 * Build-arg and label names go to the builders as `NAME=value`: a name with
 * `=` would be split there (`A=B` = `C` becomes `A` = `B=C`), and an empty one
 * or one with whitespace is refused by Dockerfile syntax anyway. Values may
 * hold anything.
 */
function checkKeys(kind: string, entries: Readonly<Record<string, string>> | undefined): void {
  for (const key of Object.keys(entries ?? {})) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    if (key === "" || /[=\s\x00-\x1f\x7f]/.test(key)) {
      throw new ConfigError(
        `Invalid ${kind} name ${JSON.stringify(key)}: a name must be non-empty, without '=', spaces or control characters. Rename it (the value may hold anything).`,
      );
    }
  }
}
