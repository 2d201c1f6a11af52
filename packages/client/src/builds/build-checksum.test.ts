import { describe, expect, it } from "vitest";
import { type BuildChecksumInputs, buildChecksum } from "./build-checksum.js";

const INPUTS: BuildChecksumInputs = {
  context: "c".repeat(64),
  dockerfile: "Dockerfile",
  buildArgs: { A: "1", B: "2" },
  labels: { team: "ml" },
  target: undefined,
  builder: { flavor: "kaniko", config: { namespace: "builds", executorArgs: ["--cache=true"] } },
  baseImages: [{ image: "busybox:1.36", digest: `sha256:${"b".repeat(64)}` }],
};

describe("buildChecksum", () => {
  it("is a sha256 that ignores the order of keys", () => {
    const checksum = buildChecksum(INPUTS);
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(
      buildChecksum({
        ...INPUTS,
        buildArgs: { B: "2", A: "1" },
        builder: { flavor: "kaniko", config: { executorArgs: ["--cache=true"], namespace: "builds" } },
      }),
    ).toBe(checksum);
  });

  it.each<[string, Partial<BuildChecksumInputs>]>([
    ["the context", { context: "d".repeat(64) }],
    ["the Dockerfile's path", { dockerfile: "build/Dockerfile" }],
    ["a build arg", { buildArgs: { A: "1", B: "3" } }],
    ["a label", { labels: { team: "ops" } }],
    ["the target", { target: "test" }],
    ["the builder's flavor", { builder: { flavor: "local", config: {} } }],
    ["the builder's config", { builder: { flavor: "kaniko", config: { namespace: "other" } } }],
    ["a base image's digest", { baseImages: [{ image: "busybox:1.36", digest: `sha256:${"e".repeat(64)}` }] }],
    ["an unknown base image digest", { baseImages: [{ image: "busybox:1.36", digest: null }] }],
  ])("changes with %s", (_what, change) => {
    expect(buildChecksum({ ...INPUTS, ...change })).not.toBe(buildChecksum(INPUTS));
  });
});
