import type { Client } from "@flavorstack/client";
import type { Command } from "commander";
import { STDERR_LOGGER } from "../output/stderr-logger.js";

/** Opens the store named by `--store` (or the environment), runs `use`, and closes it on every path. */
export async function withClient<T>(command: Command, use: (client: Client) => Promise<T>): Promise<T> {
  const { Client } = await import("@flavorstack/client");
  const { store } = command.optsWithGlobals<{ store?: string }>();
  const client = await Client.open({ url: store, logger: STDERR_LOGGER });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
