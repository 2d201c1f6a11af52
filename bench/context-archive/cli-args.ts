import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseSize } from "./sizes.js";

export interface BenchArgs {
  /** Context sizes in bytes, measured in this order. */
  sizes: number[];
  runs: number;
  /** gzip levels writeArchive is also measured at (besides its default). */
  levels: number[];
  /** Contender ids left out. */
  skip: Set<string>;
  dataDir: string;
}

export const USAGE = `Usage: pnpm --filter @flavorstack/bench context-archive [options]

  --size <size>        context size (default 128MB; binary units: 1MB = 1 MiB)
  --sizes <a,b,...>    several sizes in one run, e.g. 128MB,1GB (peak RSS side by side)
  --runs <n>           timed runs per contender (default 5); the median wall time is reported
  --levels <l,...>     extra writeArchive gzip levels (default 1,6)
  --skip <id,...>      leave contenders out: python, gzip6, gzip1, pigz, levels, floor, via-core
  --data-dir <dir>     where generated contexts are cached (default bench/.bench-data)
`;

const DEFAULT_DATA_DIR = fileURLToPath(new URL("../.bench-data", import.meta.url));

export function parseBenchArgs(argv: string[]): BenchArgs | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: "string" },
      sizes: { type: "string" },
      runs: { type: "string", default: "5" },
      levels: { type: "string", default: "1,6" },
      skip: { type: "string", default: "" },
      "data-dir": { type: "string", default: DEFAULT_DATA_DIR },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  if (values.size && values.sizes) throw new Error("Give --size or --sizes, not both.");
  const sizes = (values.sizes ?? values.size ?? "128MB").split(",").map(parseSize);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not '${values.runs}'.`);
  const levels = values.levels.split(",").map((text) => {
    const level = Number(text);
    if (!Number.isInteger(level) || level < 0 || level > 9) throw new Error(`Bad gzip level '${text}': use 0-9.`);
    return level;
  });
  const skip = new Set(values.skip.split(",").filter(Boolean));
  return { sizes, runs, levels: [...new Set(levels)], skip, dataDir: values["data-dir"] };
}
