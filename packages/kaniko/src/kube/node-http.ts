import { createRequire } from "node:module";

/**
 * `node:http`, loaded with require(). Importing it as an ES module copies every
 * export into the module namespace, and on Node 22+ that runs the lazy
 * `WebSocket`, `CloseEvent` and `MessageEvent` getters, which load undici's
 * WebSocket: about 4 MiB of RSS and 40 ms of start-up the builder never uses.
 */
export const http: typeof import("node:http") = createRequire(import.meta.url)("node:http");
