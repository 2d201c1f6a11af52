import type { BuildContext } from "../../build-context/build-context.js";
import type { ContainerRegistry } from "../../container-registries/container-registry.js";
import { BuildError } from "../../errors.js";
import { type BuildOptions, ImageBuilder } from "../image-builder.js";
import type { ImageReference } from "../image-reference.js";
import { detectEngine } from "./detect-engine.js";
import { buildWithEngine } from "./engine.js";
import type { LocalImageBuilderConfig } from "./local-image-builder-config.js";

/** Builds on this machine with docker, podman or buildah, and pushes to the stack's registry. */
export class LocalImageBuilder extends ImageBuilder<LocalImageBuilderConfig> {
  override get isLocal(): boolean {
    return true;
  }

  get isBuildingLocally(): boolean {
    return true;
  }

  async build(
    imageName: string | ImageReference,
    buildContext: BuildContext,
    options: BuildOptions = {},
    containerRegistry?: ContainerRegistry,
  ): Promise<ImageReference> {
    const image = await this.checkBuildRequest(imageName, buildContext, options, containerRegistry);
    const engine = await detectEngine(this.config.engine);
    options.logger?.info(
      `Building ${image} with ${engine}${containerRegistry ? ` and pushing it to ${containerRegistry.uri}` : ""}.`,
    );
    const push = containerRegistry !== undefined;
    const { digest } = await buildWithEngine({
      engine,
      contextArchive: (sink) =>
        buildContext.writeArchive(sink, {
          gzip: true,
          ...(options.onProgress
            ? { onProgress: (bytes: number) => options.onProgress?.({ phase: "archive", bytes }) }
            : {}),
        }),
      tag: image.toString(),
      ...(options.buildArgs ? { buildArgs: options.buildArgs } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.target ? { target: options.target } : {}),
      ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}),
      push,
      insecureRegistry: push && !(this.config.tlsVerify ?? !containerRegistry.isLocal),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
    if (!push) return image;
    if (!digest) {
      throw new BuildError(
        `${engine} pushed ${image} but reported no digest; check the registry at ${containerRegistry.uri}.`,
      );
    }
    return image.withDigest(digest);
  }
}
