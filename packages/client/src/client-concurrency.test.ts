import { expect, it } from "vitest";
import { runClientChild } from "./test-support/client-child.js";
import { describeEachStore, dumpStore } from "./test-support/store-suite.js";

const PROCESSES = 8;
const COMPONENTS_PER_PROCESS = 5;

/**
 * Each process opens the (new) store, registers components and a stack of its own, and tries to take a name that
 * all of them want.
 */
const REGISTER = `
const outcome = {};
const attempt = async (key, work) => {
  try {
    await work();
    outcome[key] = "ok";
  } catch (error) {
    outcome[key] = { clean: error instanceof StoreError, message: error.message };
  }
};
let client;
await attempt("open", async () => {
  client = await Client.open({ url: input.url, env: {}, integrationSearchDirs: [] });
});
if (client) {
  await attempt("own", async () => {
    for (let n = 0; n < input.perProcess; n++) {
      await client.registerComponent({ type: "image_builder", flavor: "local", name: "builder-" + input.index + "-" + n });
    }
    await client.registerStack({ name: "stack-" + input.index, components: { artifact_store: "default", image_builder: "builder-" + input.index + "-0" } });
  });
  await attempt("shared", () => client.registerComponent({ type: "container_registry", flavor: "default", name: "shared", config: { uri: "127.0.0.1:" + (5000 + input.index) } }));
  await client.close();
}
console.log(JSON.stringify(outcome));
`;

describeEachStore("Client: concurrent processes", (store) => {
  it(`${PROCESSES} processes opening a new store and registering at once all succeed or fail cleanly`, {
    timeout: 180_000,
  }, async () => {
    const { url } = await store.newStore();
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, index) =>
        runClientChild(REGISTER, { url, index, perProcess: COMPONENTS_PER_PROCESS }),
      ),
    );
    const outcomes = results.map((result) => {
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as Record<string, "ok" | { clean: boolean; message: string }>;
    });
    for (const outcome of outcomes) {
      expect(outcome.open).toBe("ok");
      expect(outcome.own).toBe("ok");
    }
    const shared = outcomes.map((outcome) => outcome.shared);
    expect(shared.filter((result) => result === "ok")).toHaveLength(1);
    for (const refused of shared.filter((result) => result !== "ok")) {
      expect(refused).toEqual({
        clean: true,
        message: expect.stringMatching(/^A container_registry named 'shared' already exists/),
      });
    }

    const dump = await dumpStore(url);
    expect(dump.kysely_migration).toEqual(["0001-initial"]);
    expect(dump.stacks).toHaveLength(1 + PROCESSES);
    expect(dump.stack_components).toHaveLength(1 + 2 * PROCESSES);
    const components = (dump.components ?? []).map(
      (row) => JSON.parse(row as string) as { type: string; name: string },
    );
    expect(components.map((row) => `${row.type}/${row.name}`).sort()).toEqual(
      [
        "artifact_store/default",
        "container_registry/shared",
        ...Array.from(
          { length: PROCESSES * COMPONENTS_PER_PROCESS },
          (_, n) => `image_builder/builder-${Math.floor(n / COMPONENTS_PER_PROCESS)}-${n % COMPONENTS_PER_PROCESS}`,
        ),
      ].sort(),
    );
  });
});
