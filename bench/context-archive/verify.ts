import { fileURLToPath } from "node:url";
import { run } from "./measure.js";
import type { Check } from "./report.js";

const WORKER = fileURLToPath(new URL("./archive-worker.mjs", import.meta.url));

export interface Verification {
  checks: Check[];
  defaultLevel: number;
  /** writeArchive's sha256 by gzip level. */
  sha256ByLevel: Record<string, string>;
}

/**
 * Once per context, untimed: each level's archive gunzips (zlib) to exactly
 * the plain tar, the default level gives the same bytes twice, and
 * `checksum()` equals writeArchive's sha256.
 */
export async function verifyArchive(root: string, levels: number[]): Promise<Verification> {
  const stdout = await run(process.execPath, [WORKER, "verify", root, levels.join(",")], root);
  const report = JSON.parse(stdout.trim().split("\n").pop() ?? "") as {
    checks: Check[];
    shas: Record<string, string>;
    defaultLevel: number;
  };
  return { checks: report.checks, defaultLevel: report.defaultLevel, sha256ByLevel: report.shas };
}
