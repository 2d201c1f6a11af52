/** Results go to stdout; messages about the work (progress, warnings) to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Columns padded to their widest cell; `(none)` for no rows. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  if (rows.length === 0) {
    printLine("(none)");
    return;
  }
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  printLine(format(header));
  for (const row of rows) printLine(format(row));
}

/** `label:  value` lines, labels aligned; values spanning lines are indented under theirs. */
export function printFields(fields: readonly (readonly [string, string])[]): void {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  for (const [label, value] of fields) {
    printLine(`${`${label}:`.padEnd(width)}  ${value.replaceAll("\n", `\n${" ".repeat(width + 2)}`)}`);
  }
}
