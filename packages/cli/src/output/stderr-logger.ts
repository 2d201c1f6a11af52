import type { Logger } from "@flavorstack/core";

/** A logger writing one line per message through `print`; debug lines only with FLAVORSTACK_DEBUG. */
export function createLineLogger(print: (line: string) => void): Logger {
  return {
    debug: (message) => {
      if (process.env.FLAVORSTACK_DEBUG) print(`debug: ${message}`);
    },
    info: print,
    warn: (message) => print(`warning: ${message}`),
  };
}

/** The client's messages, on stderr so that stdout carries only results. */
export const STDERR_LOGGER: Logger = createLineLogger((line) => process.stderr.write(`${line}\n`));
