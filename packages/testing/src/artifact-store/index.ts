export {
  type ArtifactStoreContractFixture,
  type ArtifactStoreContractOptions,
  type ArtifactStoreSymbolicLinks,
  describeArtifactStoreContract,
} from "./artifact-store-contract.js";
export { MemoryArtifactStore } from "./memory-artifact-store.js";
export { generatedBytes, hashStream } from "./stream-data.js";
