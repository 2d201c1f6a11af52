import { describeArtifactStoreContract } from "./artifact-store-contract.js";
import { MemoryArtifactStore } from "./memory-artifact-store.js";

describeArtifactStoreContract("MemoryArtifactStore (remote-style, base-class defaults)", async () => ({
  store: new MemoryArtifactStore("mem://bucket/prefix/"),
  cleanup: async () => {},
}));
