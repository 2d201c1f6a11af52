/** Where components report what they do. Messages never contain secrets. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** Writes to stderr, so a command's stdout carries only its result. Debug lines need FLAVORSTACK_DEBUG. */
export const consoleLogger: Logger = {
  debug: (message) => {
    if (process.env.FLAVORSTACK_DEBUG) process.stderr.write(`debug: ${message}\n`);
  },
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
};

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
};
