import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runClientChild } from "./test-support/client-child.js";

/** Opens a store and lists what it holds, then registers a component; reports the modules each step loaded. */
const STEPS = `
const report = {};
let from = loadedModules.length;
const step = (name) => {
  report[name] = loadedModules.slice(from);
  from = loadedModules.length;
};
const client = await Client.open({ cwd: input.dir, env: {} });
await client.listStacks();
await client.listComponents();
await client.getComponent("artifact_store", "default");
await client.getStackRecord();
step("list");
await client.registerComponent({ type: "image_builder", flavor: "local", name: "podman", config: { engine: "podman" } });
step("register");
await client.close();
console.log(JSON.stringify(report));
`;

/** What listing must not load: zod, core's flavor entries, and the other dialect's driver. */
const HEAVY = [
  /\/node_modules\/zod\//,
  /\/core\/dist\/index\.js$/,
  /\/core\/dist\/plugin\.js$/,
  /\/node_modules\/pg\//,
  /\/tsyringe\//,
];

describe("the client's start-up (module graph of a fresh process)", () => {
  let dir: string;
  let report: Record<"list" | "register", string[]>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "flavorstack-client-entry-"));
    const child = await runClientChild(STEPS, { dir });
    expect(child.stderr).toBe("");
    report = JSON.parse(child.stdout);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("opening an SQLite store and listing and describing stacks and components loads no zod, no flavors and no pg", () => {
    expect(report.list.some((url) => url.includes("/node_modules/better-sqlite3/"))).toBe(true);
    expect(report.list.filter((url) => HEAVY.some((pattern) => pattern.test(url)))).toEqual([]);
  });

  it("registering a component loads core and its flavors then", () => {
    expect(report.register.some((url) => /\/core\/dist\/index\.js$/.test(url))).toBe(true);
    expect(report.register.some((url) => url.includes("/node_modules/zod/"))).toBe(true);
  });
});
