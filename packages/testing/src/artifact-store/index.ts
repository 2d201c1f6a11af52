export { describeArtifactStoreContract } from "./artifact-store-contract.js";
export type {
  ArtifactStoreContractFixture,
  ArtifactStoreContractOptions,
  ArtifactStoreSymbolicLinks,
} from "./artifact-store-fixture.js";
export { MemoryArtifactStore } from "./memory-artifact-store.js";
export { generatedBytes, hashStream } from "./stream-data.js";
