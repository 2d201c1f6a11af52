import { execFile } from "node:child_process";
import { promisify } from "node:util";

const CLIENT_INDEX = new URL("../index.ts", import.meta.url).href;

/**
 * Node strips the TypeScript of the client's sources; a relative `./x.js` that does not exist resolves to
 * `./x.ts`, as TypeScript's NodeNext resolution does. Dependencies load from their built `dist/`. Every module
 * loaded is recorded in `loadedModules`.
 */
const RESOLVE_TS_SOURCES = `
import { registerHooks } from "node:module";
const loadedModules = [];
registerHooks({
  load(url, context, nextLoad) {
    loadedModules.push(url);
    return nextLoad(url, context);
  },
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!specifier.startsWith(".") || !specifier.endsWith(".js")) throw error;
      return nextResolve(specifier.slice(0, -".js".length) + ".ts", context);
    }
  },
});
`;

export interface ChildResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `body` (JavaScript, top-level await allowed, with `Client`, `StoreError`, the input as `input` and the
 * URLs of the modules loaded so far as `loadedModules` in scope) in a fresh Node process on the client's sources: a separate process, as a second user of a store is.
 */
export async function runClientChild(
  body: string,
  input: unknown,
  options: { uid?: number; gid?: number; cwd?: string } = {},
): Promise<ChildResult> {
  const script = `${RESOLVE_TS_SOURCES}
const { Client, StoreError } = await import(${JSON.stringify(CLIENT_INDEX)});
const input = JSON.parse(process.env.CLIENT_CHILD_INPUT);
${body}
`;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      ...options,
      env: { PATH: process.env.PATH, CLIENT_CHILD_INPUT: JSON.stringify(input) },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === "number" ? failed.code : 1,
      stdout: failed.stdout ?? "",
      stderr: failed.stderr ?? "",
    };
  }
}
