/**
 * The images a Dockerfile builds FROM, with `ARG`s declared before the first
 * `FROM` substituted (build args override their defaults). Stages named with
 * `AS` and `scratch` are not images; a reference still holding an unresolved
 * variable is left out, since no registry could tell its digest.
 */
export function baseImagesOf(dockerfile: string, buildArgs: Readonly<Record<string, string>> = {}): string[] {
  const globalArgs = new Map<string, string>();
  const stages = new Set<string>();
  const images: string[] = [];
  let seenFrom = false;
  for (const instruction of logicalLines(dockerfile)) {
    const [keyword = "", ...words] = instruction.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === "ARG" && !seenFrom) {
      for (const word of words) {
        const [name = "", ...rest] = word.split("=");
        const value = buildArgs[name] ?? (rest.length > 0 ? unquote(rest.join("=")) : undefined);
        if (value !== undefined) globalArgs.set(name, value);
      }
    } else if (upper === "FROM") {
      seenFrom = true;
      const operands = words.filter((word) => !word.startsWith("--"));
      const image = substitute(operands[0] ?? "", globalArgs);
      if (operands[1]?.toUpperCase() === "AS" && operands[2]) stages.add(operands[2].toLowerCase());
      if (image === "" || image.toLowerCase() === "scratch" || stages.has(image.toLowerCase())) continue;
      if (!image.includes("$") && !images.includes(image)) images.push(image);
    }
  }
  return images;
}

/** Instructions with line continuations joined, comments and blank lines dropped. */
function logicalLines(dockerfile: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const raw of dockerfile.split(/\r?\n/)) {
    const line = raw.trim();
    if (current === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push((current + line).trim());
    current = "";
  }
  if (current.trim() !== "") lines.push(current.trim());
  return lines;
}

function substitute(text: string, args: ReadonlyMap<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, fallback, bare) => {
      const value = args.get(braced ?? bare);
      if (value !== undefined && value !== "") return value;
      return fallback ?? whole;
    },
  );
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
