import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import { defineFlavor } from "./flavor.js";
import { StackComponent } from "./stack-component.js";

const configSchema = z.strictObject({
  endpoint: z.url(),
  retries: z.number().int().min(0).default(3),
  mode: z.enum(["fast", "safe"]).default("fast"),
  token: z.string().meta({ writeOnly: true }).optional(),
});

class Tracker extends StackComponent<z.output<typeof configSchema>> {
  readonly type = "experiment_tracker" as const;
}

let loads = 0;
const trackerFlavor = defineFlavor({
  name: "my_tracker",
  type: "experiment_tracker",
  configSchema,
  implementation: async () => {
    loads++;
    return (init) => new Tracker(init);
  },
});

describe("defineFlavor", () => {
  it("derives a display name and marks built-ins", () => {
    expect(trackerFlavor.displayName).toBe("My Tracker");
    expect(trackerFlavor.integration).toBe("built-in");
    expect(trackerFlavor.type).toBe("experiment_tracker");
  });

  it("parses, defaults and freezes configs; loads the implementation only on create", async () => {
    expect(loads).toBe(0);
    const component = await trackerFlavor.createComponent({ name: "t", config: { endpoint: "https://x.example" } });
    expect(loads).toBe(1);
    expect(component).toBeInstanceOf(Tracker);
    expect(component.config).toEqual({ endpoint: "https://x.example", retries: 3, mode: "fast" });
    expect(Object.isFrozen(component.config)).toBe(true);
    expect(component.flavor).toBe("my_tracker");
    expect(component.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(component.isRemote).toBe(true);
  });

  it.each([
    [{}, "endpoint"],
    [{ endpoint: "not a url" }, "endpoint"],
    [{ endpoint: "https://x.example", retries: -1 }, "retries"],
    [{ endpoint: "https://x.example", retries: 1.5 }, "retries"],
    [{ endpoint: "https://x.example", mode: "slow" }, "mode"],
    [{ endpoint: "https://x.example", unknownField: 1 }, "unknownField"],
  ])("refuses %j naming the field", (config, field) => {
    expect(() => trackerFlavor.parseConfig(config)).toThrowError(ConfigError);
    expect(() => trackerFlavor.parseConfig(config)).toThrowError(
      new RegExp(`Invalid configuration for experiment_tracker flavor 'my_tracker':\\n(.|\\n)*- ${field}: `),
    );
  });

  it("gives a component the values of the fields its schema marks writeOnly, and no others", async () => {
    const component = await trackerFlavor.createComponent({
      name: "t",
      config: { endpoint: "https://x.example", mode: "safe", token: "tracker-token-value" },
    });
    expect(component.secretValues).toEqual(["tracker-token-value"]);
    const tokenless = await trackerFlavor.createComponent({ name: "u", config: { endpoint: "https://x.example" } });
    expect(tokenless.secretValues).toEqual([]);
  });

  it("reports every invalid field at once and never echoes values", () => {
    const error = (() => {
      try {
        trackerFlavor.parseConfig({ endpoint: 42, retries: "s3cr3t-token", token: 7 });
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error?.message).toContain("- endpoint:");
    expect(error?.message).toContain("- retries:");
    expect(error?.message).toContain("- token:");
    expect(error?.message).not.toContain("s3cr3t-token");
    expect(error?.cause).toBeDefined();
  });

  it("exposes the config's JSON Schema as a user writes it", () => {
    const schema = trackerFlavor.jsonSchema();
    expect(schema).toMatchObject({
      type: "object",
      required: ["endpoint"],
      properties: { retries: { type: "integer", default: 3 }, mode: { enum: ["fast", "safe"] } },
    });
  });

  it("refuses malformed flavor names", () => {
    expect(() =>
      defineFlavor({
        name: "Bad Name",
        type: "orchestrator",
        configSchema,
        implementation: async () => (i) => new Tracker(i),
      }),
    ).toThrowError(/Flavor name 'Bad Name' is not valid/);
  });

  it("wraps a failing implementation loader with the integration to install", async () => {
    const broken = defineFlavor({
      name: "broken",
      type: "orchestrator",
      integration: "acme",
      configSchema: z.object({}),
      implementation: async () => {
        throw new Error("Cannot find package 'acme-sdk'");
      },
    });
    await expect(broken.createComponent({ name: "b" })).rejects.toThrowError(
      /Could not load the implementation of orchestrator flavor 'broken' from integration 'acme': Cannot find package 'acme-sdk'/,
    );
  });
});
