import type { ArtifactStore, ArtifactStoreWalkEntry } from "@flavorstack/core/plugin";
import type { ArtifactStoreContractFixture } from "./artifact-store-fixture.js";

/** What the parts of the contract share: the store of the running test, and its fixture's data. */
export interface ContractContext {
  /** The name the contract was described with, for skip reasons. */
  readonly storeName: string;
  /** The fixture of the running test (a fresh one per test), with its optional hooks. */
  readonly fixture: ArtifactStoreContractFixture;
  /** The store of the running test: `fixture.store`. */
  readonly store: ArtifactStore;
  /** Writes a.txt, d/b.txt, d/e/c.txt, d/f/g.txt. */
  writeTree(): Promise<void>;
}

/** A walk's entries, with copies of the name arrays as they were yielded. */
export async function collect(iterable: AsyncIterable<ArtifactStoreWalkEntry>): Promise<ArtifactStoreWalkEntry[]> {
  const entries: ArtifactStoreWalkEntry[] = [];
  for await (const [dir, dirs, files] of iterable) entries.push([dir, [...dirs], [...files]]);
  return entries;
}

/** What `attempt` rejected with, or `undefined` when it resolved. */
export async function rejectionOf(attempt: () => Promise<unknown>): Promise<unknown> {
  return attempt().then(
    () => undefined,
    (error: unknown) => error,
  );
}
