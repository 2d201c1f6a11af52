// Vitest global setup: the tests' flavorstack cache (build-context digests) goes to a temp dir of the run, removed
// at its end, never to the user's ~/.cache.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), "flavorstack-test-cache-"));
  process.env.FLAVORSTACK_CACHE_DIR = dir;
  return () => rm(dir, { recursive: true, force: true });
}
