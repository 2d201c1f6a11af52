import { z } from "zod";
import { unsupportedSchemeMessage } from "../store-paths.js";

export const LOCAL_STORE_NAME = "LocalArtifactStore";

/**
 * Config of the local artifact store. `path` is the root folder; an empty path means a folder of
 * its own for the component: `LocalArtifactStore.defaultPath`. A path with an `xx://`
 * prefix is refused (ZenML's message).
 */
export const localArtifactStoreConfigSchema = z.object({
  path: z
    .string()
    .default("")
    .describe(
      "Root folder of the store. Empty: a folder of its own under <FLAVORSTACK_HOME or ~/.flavorstack>/local_stores/<component id>.",
    )
    .superRefine((path, context) => {
      if (path === "") return;
      const message = unsupportedSchemeMessage(path, [""], LOCAL_STORE_NAME);
      if (message !== undefined) context.addIssue({ code: "custom", message });
    }),
});

export type LocalArtifactStoreConfig = z.infer<typeof localArtifactStoreConfigSchema>;
