import { z } from "zod";

/** The container CLIs the local image builder can drive, in the order `"auto"` tries them. */
export const CONTAINER_ENGINES = ["docker", "podman", "buildah"] as const;

export const localImageBuilderConfigSchema = z.strictObject({
  /** The build engine; `auto` takes the first of docker, podman, buildah that works here. */
  engine: z.enum(["auto", ...CONTAINER_ENGINES]).default("auto"),
  /**
   * Verify TLS when pushing. Unset: verify, except for registries on this
   * machine (localhost, 127.0.0.0/8, ::1), which usually serve plain HTTP.
   */
  tlsVerify: z.boolean().optional(),
});

export type LocalImageBuilderConfig = z.output<typeof localImageBuilderConfigSchema>;
