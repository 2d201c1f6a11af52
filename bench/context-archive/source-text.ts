import type { Prng } from "./prng.js";

const WORDS = (
  "account active adapter agent alert archive artifact async batch build bundle cache call channel check client " +
  "cluster code column commit component config connect container context count create cursor data dataset debug " +
  "decode default delete deploy digest dir docker encode engine entry env error event export extra fetch field file " +
  "filter flavor flush format frame graph handle hash header image index input item job json key label layer limit " +
  "load lock log manifest map match merge message meta metric model module name node offset option order output " +
  "pack page parse path pipeline plan pool port prefix queue read record registry remote request resolve result " +
  "retry root route run schema score secret session shard size source spec stack stage state status step store " +
  "stream string sync table tag target task tensor token trace train tree type update upload url user value " +
  "version view volume worker write"
).split(" ");

const TYPES = ["str", "int", "float", "bool", "bytes", "list[str]", "dict[str, Any]", "Optional[str]", "Path"];
const TS_TYPES = ["string", "number", "boolean", "Buffer", "string[]", "Record<string, unknown>", "Promise<void>"];

function ident(prng: Prng, parts = prng.int(1, 3)): string {
  let out = prng.pick(WORDS);
  for (let i = 1; i < parts; i++) out += `_${prng.pick(WORDS)}`;
  return out;
}

function camel(prng: Prng, parts = prng.int(1, 3)): string {
  let out = prng.pick(WORDS);
  for (let i = 1; i < parts; i++) {
    const word = prng.pick(WORDS);
    out += word[0]?.toUpperCase() + word.slice(1);
  }
  return out;
}

function sentence(prng: Prng, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(prng.pick(WORDS));
  return out.join(" ");
}

function pythonChunk(prng: Prng, lines: string[]): void {
  const name = ident(prng);
  const args = Array.from({ length: prng.int(0, 4) }, () => `${ident(prng, 1)}: ${prng.pick(TYPES)}`);
  lines.push(`def ${name}(${args.join(", ")}) -> ${prng.pick(TYPES)}:`);
  lines.push(`    """${sentence(prng, prng.int(4, 12))}."""`);
  for (let i = prng.int(2, 10); i > 0; i--) {
    switch (prng.int(0, 5)) {
      case 0:
        lines.push(`    ${ident(prng)} = ${ident(prng)}(${ident(prng, 1)}, ${prng.int(0, 4096)})`);
        break;
      case 1:
        lines.push(`    if ${ident(prng, 1)} is None:`);
        lines.push(`        raise ValueError(f"${sentence(prng, prng.int(3, 8))}: {${ident(prng, 1)}!r}")`);
        break;
      case 2:
        lines.push(`    for ${ident(prng, 1)} in ${ident(prng)}.${ident(prng, 1)}():`);
        lines.push(`        ${ident(prng, 1)}.append(${ident(prng, 1)}.${ident(prng)})`);
        break;
      case 3:
        lines.push(`    # ${sentence(prng, prng.int(5, 14))}`);
        break;
      case 4:
        lines.push(`    logger.debug("${sentence(prng, prng.int(3, 9))} %s", ${ident(prng)})`);
        break;
      default:
        lines.push(`    return ${ident(prng)}`);
    }
  }
  lines.push("");
}

function typescriptChunk(prng: Prng, lines: string[]): void {
  const name = camel(prng);
  const args = Array.from({ length: prng.int(0, 4) }, () => `${camel(prng, 1)}: ${prng.pick(TS_TYPES)}`);
  lines.push(`/** ${sentence(prng, prng.int(4, 12))}. */`);
  lines.push(`export async function ${name}(${args.join(", ")}): Promise<${prng.pick(TS_TYPES)}> {`);
  for (let i = prng.int(2, 10); i > 0; i--) {
    switch (prng.int(0, 4)) {
      case 0:
        lines.push(`  const ${camel(prng)} = await ${camel(prng)}(${camel(prng, 1)}, ${prng.int(0, 4096)});`);
        break;
      case 1:
        lines.push(
          `  if (!${camel(prng, 1)}) throw new Error(\`${sentence(prng, prng.int(3, 8))}: \${${camel(prng, 1)}}\`);`,
        );
        break;
      case 2:
        lines.push(
          `  for (const ${camel(prng, 1)} of ${camel(prng)}.${camel(prng, 1)}()) ${camel(prng, 1)}.push(${camel(prng)});`,
        );
        break;
      case 3:
        lines.push(`  // ${sentence(prng, prng.int(5, 14))}`);
        break;
      default:
        lines.push(`  return ${camel(prng)};`);
    }
  }
  lines.push("}", "");
}

function markdownChunk(prng: Prng, lines: string[]): void {
  lines.push(`## ${sentence(prng, prng.int(2, 5))}`, "");
  for (let i = prng.int(1, 4); i > 0; i--) lines.push(`${sentence(prng, prng.int(10, 40))}.`);
  lines.push("", "```", `${ident(prng)} --${ident(prng, 1)} ${prng.int(1, 999)}`, "```", "");
}

function jsonChunk(prng: Prng, lines: string[]): void {
  lines.push(
    `  "${camel(prng)}": { "${camel(prng, 1)}": ${prng.int(0, 1e6)}, "${camel(prng, 1)}": "${ident(prng)}" },`,
  );
}

const GENERATORS: Record<string, (prng: Prng, lines: string[]) => void> = {
  py: pythonChunk,
  ts: typescriptChunk,
  md: markdownChunk,
  json: jsonChunk,
};

/** Source-like text of about `size` bytes for a file with extension `ext`. */
export function sourceText(prng: Prng, ext: string, size: number): string {
  const generate = GENERATORS[ext] ?? pythonChunk;
  const lines: string[] = ext === "json" ? ["{"] : [];
  let length = 0;
  while (length < size) {
    const before = lines.length;
    generate(prng, lines);
    for (let i = before; i < lines.length; i++) length += (lines[i] as string).length + 1;
  }
  if (ext === "json") lines.push(`  "end": true`, "}");
  return `${lines.join("\n")}\n`;
}

export const SOURCE_EXTENSIONS = ["py", "py", "py", "ts", "ts", "md", "json"] as const;
export { ident as randomIdent };
