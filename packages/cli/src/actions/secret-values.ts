import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { splitPair } from "../program/key-value-pair.js";

/**
 * A secret's values from `KEY=VALUE` arguments and `--values-file` (a JSON object of strings, or
 * KEY=VALUE lines; `-` reads stdin); arguments win over the file. Messages name positions, never values.
 */
export async function readSecretValues(
  command: Command,
  pairs: readonly string[],
  valuesFile: string | undefined,
): Promise<Record<string, string>> {
  const values = valuesFile === undefined ? {} : parseValuesText(command, await readValuesFile(command, valuesFile));
  pairs.forEach((pair, index) => {
    try {
      const [key, value] = splitPair(pair);
      values[key] = value;
    } catch (error) {
      command.error(`error: value argument ${index + 1} is invalid: ${(error as Error).message}`, { exitCode: 2 });
    }
  });
  return values;
}

async function readValuesFile(command: Command, file: string): Promise<string> {
  try {
    return file === "-" ? await readStream(process.stdin) : await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return command.error(`error: cannot read the values file '${file}' (${reason}).`, { exitCode: 2 });
  }
}

function parseValuesText(command: Command, text: string): Record<string, string> {
  if (text.trimStart().startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      command.error("error: the values file starts with '{' but is not valid JSON: write a JSON object of strings.", {
        exitCode: 2,
      });
    }
    const entries = typeof parsed === "object" && parsed !== null ? Object.entries(parsed) : [];
    const notString = entries.find(([, value]) => typeof value !== "string");
    if (notString || Array.isArray(parsed)) {
      command.error(
        `error: the values file must be a JSON object whose values are strings${notString ? ` ('${notString[0]}' is not)` : ""}.`,
        { exitCode: 2 },
      );
    }
    return Object.fromEntries(entries) as Record<string, string>;
  }
  const values: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    try {
      const [key, value] = splitPair(line);
      values[key.trim()] = value;
    } catch (error) {
      command.error(`error: line ${index + 1} of the values file is invalid: ${(error as Error).message}`, {
        exitCode: 2,
      });
    }
  });
  return values;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}
