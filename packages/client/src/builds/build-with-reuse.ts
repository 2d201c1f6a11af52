import { readFile } from "node:fs/promises";
import path from "node:path";
import type { BuildProgress, Logger, Stack } from "@flavorstack/core";
import type { Kysely } from "kysely";
import { StoreError } from "../store/store-error.js";
import type { StoreSchema } from "../store/store-schema.js";
import { baseImagesOf } from "./base-images.js";
import { buildChecksum } from "./build-checksum.js";
import { findBuilds, recordBuild } from "./build-records.js";
import { createRegistryManifests, type RegistryManifests } from "./registry-manifests.js";

export interface BuildInput {
  /** The build context's directory. */
  contextDir: string;
  /** `repository[:tag]`, put under the stack's registry, or a full reference inside it. */
  image: string;
  /** The stack to build with; the active stack when absent. */
  stack?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  /** The Dockerfile's path inside the context; `Dockerfile` by default. */
  dockerfile?: string;
  /** False: build even when an equal build's image is still in the registry. Default true. */
  reuse?: boolean;
  signal?: AbortSignal;
  logger?: Logger;
  onLog?: (line: string) => void;
  onProgress?: (progress: BuildProgress) => void;
}

export interface BuildOutcome {
  /** The image reference with its digest. */
  image: string;
  /** True when an earlier build's image was returned and nothing was built. */
  reused: boolean;
  /** The build checksum it was recorded under. */
  checksum: string;
}

/** The stack a build runs on, as the client made it. */
export interface BuildTarget {
  stack: Stack;
  stackId: string;
  /** The image builder's config as stored: secret fields hold `{{secret.key}}` references, never values. */
  builderConfig: Record<string, unknown>;
}

/**
 * Builds with the stack's image builder and records the build, unless an earlier build
 * with the same checksum for this stack and registry left an image the registry still
 * has: then that image is returned and nothing is archived, uploaded or started.
 */
export async function buildWithReuse(
  db: Kysely<StoreSchema>,
  target: BuildTarget,
  input: BuildInput,
  manifests: RegistryManifests = createRegistryManifests({ ...(input.signal ? { signal: input.signal } : {}) }),
): Promise<BuildOutcome> {
  const { BuildContext, ImageReference } = await import("@flavorstack/core");
  const { stack } = target;
  const builder = stack.imageBuilder;
  if (!builder) {
    throw new StoreError(
      `Stack '${stack.name}' has no image builder: add one with \`flavorstack stack update ${stack.name} -i <image builder>\`.`,
    );
  }
  const registry = stack.containerRegistry;
  const image =
    registry && ImageReference.parse(input.image).registry === undefined
      ? ImageReference.parse(`${registry.uri}/${input.image}`)
      : ImageReference.parse(input.image);
  const logger = input.logger;
  const buildArgs = input.buildArgs ?? {};
  const labels = input.labels ?? {};
  const dockerfile = input.dockerfile ?? "Dockerfile";
  const context = new BuildContext({ root: input.contextDir, ...(logger ? { logger } : {}) });

  const dockerfileText = await readFile(path.join(context.root, dockerfile), "utf8").catch(() => "");
  const baseImages = await Promise.all(
    baseImagesOf(dockerfileText, buildArgs).map(async (base) => {
      const reference = ImageReference.tryParse(base);
      if (reference === undefined) return { image: base, digest: null };
      if (reference.digest !== undefined) return { image: base, digest: reference.digest };
      const answer = await manifests.head(reference);
      return { image: base, digest: answer.status === "found" ? answer.digest : null };
    }),
  );
  const checksum = buildChecksum({
    context: await context.checksum(),
    dockerfile,
    buildArgs,
    labels,
    target: input.target,
    builder: { flavor: builder.flavor, config: target.builderConfig },
    baseImages,
  });

  if (registry && input.reuse !== false) {
    const wanted = image.tag === undefined ? image.withTag("latest") : image;
    for (const build of await findBuilds(db, { checksum, registry: registry.uri, stackId: target.stackId })) {
      const recorded = ImageReference.tryParse(build.image);
      if (recorded?.digest === undefined || recorded.withDigest(undefined).toString() !== wanted.toString()) continue;
      const answer = await manifests.head(recorded);
      if (answer.status === "found") {
        logger?.info(`Reusing build ${recorded} (checksum ${checksum.slice(0, 12)}, built ${build.createdAt}).`);
        return { image: recorded.toString(), reused: true, checksum };
      }
      logger?.info(
        answer.status === "missing"
          ? `The registry no longer has ${recorded}: building it again.`
          : `Cannot tell whether ${recorded} is still there (${answer.reason}): building it again.`,
      );
    }
  }

  const built = await stack.buildImage(image, context, {
    buildArgs,
    labels,
    dockerfile,
    ...(input.target !== undefined ? { target: input.target } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    ...(logger ? { logger } : {}),
    ...(input.onLog ? { onLog: input.onLog } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  if (registry && built.digest !== undefined) {
    await recordBuild(db, { checksum, registry: registry.uri, stackId: target.stackId, image: built.toString() });
  }
  return { image: built.toString(), reused: false, checksum };
}
