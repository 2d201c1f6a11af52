import { fileURLToPath } from "node:url";
import type { Client } from "@flavorstack/client";
import type { Command } from "commander";
import { STDERR_LOGGER } from "../output/stderr-logger.js";

/**
 * Integrations are looked for from the working directory and from this package's folder: those
 * installed beside the CLI (`npm i -g @flavorstack/cli @flavorstack/kaniko`) are found from anywhere.
 */
const CLI_PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** Opens the store named by `--store` (or the environment), runs `use`, and closes it on every path. */
export async function withClient<T>(command: Command, use: (client: Client) => Promise<T>): Promise<T> {
  const { Client } = await import("@flavorstack/client");
  const { store } = command.optsWithGlobals<{ store?: string }>();
  const client = await Client.open({
    url: store,
    logger: STDERR_LOGGER,
    integrationSearchDirs: [process.cwd(), CLI_PACKAGE_DIR],
  });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
