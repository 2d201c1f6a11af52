import { defineFlavor } from "../../stack/flavor.js";
import { localArtifactStoreConfigSchema } from "./local-artifact-store-config.js";

export const LocalArtifactStoreFlavor = defineFlavor({
  name: "local",
  type: "artifact_store",
  displayName: "Local Artifact Store",
  configSchema: localArtifactStoreConfigSchema,
  implementation: async () => {
    const { LocalArtifactStore } = await import("./local-artifact-store.js");
    return (init) => new LocalArtifactStore(init);
  },
});
