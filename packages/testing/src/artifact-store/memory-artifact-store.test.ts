import { describeArtifactStoreContract } from "./artifact-store-contract.js";
import { MemoryArtifactStore } from "./memory-artifact-store.js";

describeArtifactStoreContract(
  "MemoryArtifactStore (remote-style, base-class defaults)",
  async () => ({
    store: new MemoryArtifactStore("mem://bucket/prefix/"),
    cleanup: async () => {},
  }),
  // The store keeps its files in this process's memory, so its RSS holds the big file: 16 MiB keeps under the bound.
  { largeStreamBytes: 16 * 1024 * 1024 },
);
