import type { ArtifactStore, ArtifactStoreWalkEntry } from "@flavorstack/core/plugin";

/** What the parts of the contract share: the store of the running test, and its fixture's data. */
export interface ContractContext {
  /** The store of the running test (a fresh one per test). */
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
