/** Where components report what they do. Messages never contain secrets. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: Logger = {
  debug: (message) => {
    if (process.env.FLAVORSTACK_DEBUG) console.debug(message);
  },
  info: (message) => console.info(message),
  warn: (message) => console.warn(`warning: ${message}`),
};

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
};
