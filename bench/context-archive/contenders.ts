import { fileURLToPath } from "node:url";

/** One way of producing a gzipped tar of the context, run as its own process. */
export interface Contender {
  /** For --skip. */
  id: string;
  name: string;
  kind: "node" | "node-floor" | "pipeline" | "python";
  command: string;
  args: string[];
  /** For pipelines: the same pipeline counting its output (`| wc -c`), run once, untimed. */
  sizeArgs?: string[];
  /** The gzip level, for the writeArchive contenders. */
  level?: number;
}

const WORKER = fileURLToPath(new URL("./archive-worker.mjs", import.meta.url));
const PYTHON_REFERENCE = fileURLToPath(new URL("./zenml-reference.py", import.meta.url));

export const PIGZ_ID = "pigz";
export const GZIP1_ID = "gzip1";
export const DEFAULT_ID = "writeArchive";
/** The same, with the worker importing `@flavorstack/core` instead of `@flavorstack/core/build-context`. */
const VIA_CORE_ID = "via-core";

function pipeline(id: string, name: string, compressor: string): Contender {
  const tar = "set -o pipefail; tar -cf - . | ";
  return {
    id,
    name,
    kind: "pipeline",
    command: "bash",
    args: ["-c", `${tar}${compressor} > /dev/null`],
    sizeArgs: ["-c", `${tar}${compressor} | wc -c`],
  };
}

/** All contenders for a context at `root`, in table order. */
export function contenders(root: string, defaultLevel: number, levels: number[]): Contender[] {
  const node = (id: string, name: string, level: number | undefined, entry = "build-context"): Contender => ({
    id,
    name,
    kind: "node",
    command: process.execPath,
    args: [WORKER, "time", root, level === undefined ? "default" : String(level), entry],
    level: level ?? defaultLevel,
  });
  return [
    node(DEFAULT_ID, `writeArchive (default, level ${defaultLevel})`, undefined),
    node(VIA_CORE_ID, `writeArchive, importing "." (flavors, zod)`, undefined, "core"),
    ...levels
      .filter((level) => level !== defaultLevel)
      .map((level) => node("levels", `writeArchive level ${level}`, level)),
    {
      id: "floor",
      name: "node + import core/build-context, no archive (floor)",
      kind: "node-floor",
      command: process.execPath,
      args: [WORKER, "floor", root, "-"],
    },
    pipeline(PIGZ_ID, "tar | pigz -1 -p2", "pigz -1 -p2"),
    pipeline("gzip6", "tar | gzip -6", "gzip -6"),
    pipeline(GZIP1_ID, "tar | gzip -1", "gzip -1"),
    {
      id: "python",
      name: "python tarfile+GzipFile(9) -> tmp",
      kind: "python",
      command: "python3",
      args: [PYTHON_REFERENCE, root],
    },
  ];
}
