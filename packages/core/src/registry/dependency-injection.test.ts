// tsyringe checks for the Reflect metadata API when it is imported.
import "reflect-metadata";
import { container as globalContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { silentLogger } from "../logger.js";
import { defineFlavor } from "../stack/flavor.js";
import { StackComponent } from "../stack/stack-component.js";
import {
  createFlavorstackContainer,
  createToken,
  FlavorRegistryToken,
  IntegrationRegistryToken,
  LoggerToken,
  resolve,
} from "./dependency-injection.js";
import { defineIntegration } from "./integration.js";

class Alerter extends StackComponent<Record<string, never>> {
  readonly type = "alerter" as const;
}
const acmeIntegration = defineIntegration({
  name: "acme",
  flavors: () => [
    defineFlavor({
      name: "acme",
      type: "alerter",
      integration: "acme",
      configSchema: z.object({}),
      implementation: async () => (init) => new Alerter(init),
    }),
  ],
});

describe("createFlavorstackContainer", () => {
  it("gives each client its own registries, preloaded with the built-ins", async () => {
    const first = createFlavorstackContainer({ logger: silentLogger });
    const second = createFlavorstackContainer({ logger: silentLogger });
    const firstFlavors = resolve(first, FlavorRegistryToken);
    expect(resolve(first, FlavorRegistryToken)).toBe(firstFlavors);
    expect(resolve(second, FlavorRegistryToken)).not.toBe(firstFlavors);
    expect(firstFlavors.get("image_builder", "local").name).toBe("local");
    expect(resolve(first, LoggerToken)).toBe(silentLogger);

    await resolve(first, IntegrationRegistryToken).register(acmeIntegration);
    expect(firstFlavors.get("alerter", "acme").integration).toBe("acme");
    expect(resolve(second, FlavorRegistryToken).has("alerter", "acme")).toBe(false);
    expect(
      resolve(first, IntegrationRegistryToken)
        .list()
        .map((i) => i.name),
    ).toEqual(["acme", "built-in"]);
    await expect(resolve(first, IntegrationRegistryToken).register(acmeIntegration)).rejects.toThrowError(
      "An integration named 'acme' is already registered",
    );
  });

  it("registers nothing in the global container", () => {
    createFlavorstackContainer();
    expect(globalContainer.isRegistered(FlavorRegistryToken, true)).toBe(false);
    expect(globalContainer.isRegistered(LoggerToken, true)).toBe(false);
  });

  it("lets plugins add their own typed tokens in a child", () => {
    const parent = createFlavorstackContainer({ logger: silentLogger });
    const token = createToken<{ answer: number }>("acme.Answer");
    const child = parent.createChildContainer();
    child.register(token, { useFactory: () => ({ answer: 42 }) });
    expect(resolve(child, token).answer).toBe(42);
    expect(resolve(child, FlavorRegistryToken)).toBe(resolve(parent, FlavorRegistryToken));
  });
});
