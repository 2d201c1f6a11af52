const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Parses `128MB`, `1GB`, `512MiB`, `200000000` (binary units: 1 MB = 1 MiB). */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] || "b").toLowerCase()];
  if (!match || unit === undefined) {
    throw new Error(`Cannot read the size '${text}': write it like 128MB, 1GB or 512MiB (binary units).`);
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < 1024 ** 2) throw new Error(`The size '${text}' is too small: use at least 1MB.`);
  return bytes;
}

/** A short label for a size, also the name of its cache directory: `128MB`, `1GB`. */
export function sizeLabel(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}GB`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}MB`;
  return `${bytes}B`;
}

export function mib(bytes: number): string {
  return (bytes / 1024 ** 2).toFixed(1);
}
