import type { Contender } from "./contenders.js";
import { median } from "./measure.js";

export interface Measured {
  contender: Contender;
  wallMs: number[];
  rssKiB: number[];
  /** writeArchive's own time inside the worker (node contenders only). */
  inProcMs: number[];
  /** process.resourceUsage().maxRSS reported by the worker (node contenders only). */
  childRssKiB: number[];
  bytes: number | undefined;
  sha256s: Set<string>;
}

const RSS_TARGET_MIB = 128;
const SIZE_TARGET = 1.1;
const WALL_TARGET = 1.0;
/** Peak RSS at the largest size may exceed the smallest size's by this factor and still count as flat. */
export const RSS_GROWTH_TARGET = 1.1;

export const mibOf = (kib: number): number => kib / 1024;
export const peakKiB = (m: Measured): number => Math.max(...m.rssKiB);

function ratio(value: number | undefined, base: number | undefined, digits = 2): string {
  if (value === undefined || base === undefined || base === 0) return "-";
  return (value / base).toFixed(digits);
}

export function table(headers: string[], rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (rightAligned(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The per-size table: wall times, ratios, sizes and peak RSS. */
export function resultsTable(results: Measured[], pigz: Measured | undefined, gzip1: Measured | undefined): string {
  const pigzMedian = pigz && median(pigz.wallMs);
  const rows = results.map((m) => {
    const wall = median(m.wallMs);
    return [
      m.contender.name,
      wall.toFixed(0),
      `${Math.min(...m.wallMs).toFixed(0)}-${Math.max(...m.wallMs).toFixed(0)}`,
      ratio(wall, pigzMedian),
      m.inProcMs.length ? median(m.inProcMs).toFixed(0) : "-",
      m.bytes === undefined ? "-" : String(m.bytes),
      ratio(m.bytes, gzip1?.bytes, 3),
      mibOf(peakKiB(m)).toFixed(1),
    ];
  });
  return table(
    ["contender", "median ms", "min-max ms", "vs pigz", "in-proc ms", "output bytes", "vs gzip -1", "peak RSS MiB"],
    rows,
    (column) => column > 0,
  );
}

export interface Check {
  name: string;
  /** undefined: could not be checked in this run. */
  ok: boolean | undefined;
  detail: string;
  /** A performance target: missing it is reported, not an error (verification checks are errors). */
  target?: boolean;
}

export function formatChecks(checks: Check[]): string {
  return checks
    .map(({ name, ok, detail }) => `  [${ok === undefined ? "n/a " : ok ? " ok " : "MISS"}] ${name}: ${detail}`)
    .join("\n");
}

/** Target checks for the default writeArchive at one size. */
export function targetChecks(
  label: string,
  archive: Measured | undefined,
  pigz: Measured | undefined,
  gzip1: Measured | undefined,
): Check[] {
  if (!archive) return [];
  const wall = median(archive.wallMs);
  const pigzWall = pigz && median(pigz.wallMs);
  const inProc = archive.inProcMs.length ? median(archive.inProcMs) : undefined;
  const peak = mibOf(peakKiB(archive));
  return [
    {
      target: true,
      name: `${label} wall time <= ${WALL_TARGET.toFixed(2)} x tar|pigz -1 -p2`,
      ok: pigzWall === undefined ? undefined : wall / pigzWall <= WALL_TARGET,
      detail:
        pigzWall === undefined
          ? "pigz skipped"
          : `${ratio(wall, pigzWall)} (${wall.toFixed(0)} vs ${pigzWall.toFixed(0)} ms, whole processes; ` +
            `writeArchive alone ${inProc?.toFixed(0) ?? "?"} ms = ${ratio(inProc, pigzWall)})`,
    },
    {
      target: true,
      name: `${label} output <= ${SIZE_TARGET.toFixed(2)} x gzip -1`,
      ok:
        gzip1?.bytes === undefined || archive.bytes === undefined
          ? undefined
          : archive.bytes / gzip1.bytes <= SIZE_TARGET,
      detail: `${ratio(archive.bytes, gzip1?.bytes, 3)} (${archive.bytes ?? "?"} vs ${gzip1?.bytes ?? "?"} bytes)`,
    },
    {
      target: true,
      name: `${label} peak RSS <= ${RSS_TARGET_MIB} MiB`,
      ok: peak <= RSS_TARGET_MIB,
      detail:
        `${peak.toFixed(1)} MiB (max of ${archive.rssKiB.length} runs, /usr/bin/time %M of the node process; ` +
        `worker's own maxRSS ${mibOf(Math.max(...archive.childRssKiB)).toFixed(1)} MiB)`,
    },
  ];
}
