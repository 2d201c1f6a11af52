import { DefaultContainerRegistryFlavor } from "@flavorstack/core";
import { ConfigError, ImageReference } from "@flavorstack/core/plugin";
import { describe, expect, it } from "vitest";
import {
  cacheFlagsInArgs,
  checkCacheFlags,
  checkCacheRepository,
  kanikoCacheArgs,
  kanikoCacheSchema,
} from "./kaniko-cache-config.js";

const destination = ImageReference.parse("registry.example.com/team/app:1");

describe("kanikoCacheSchema", () => {
  it("takes enabled, a repository without tag or digest, and a Go duration ttl", () => {
    expect(kanikoCacheSchema.parse({ enabled: true, repository: "registry.example.com/c", ttl: "1h30m" })).toEqual({
      enabled: true,
      repository: "registry.example.com/c",
      ttl: "1h30m",
    });
    const issues = (input: unknown) => kanikoCacheSchema.safeParse(input).error?.issues.map((issue) => issue.message);
    expect(issues({})).toEqual(["cache.enabled is required (true or false)"]);
    expect(issues({ enabled: true, repository: "registry.example.com/c:1" })?.[0]).toMatch(/without tag or digest/);
    expect(issues({ enabled: true, repository: "Not A Repo" })?.[0]).toMatch(/without tag or digest/);
    expect(issues({ enabled: true, ttl: "2 days" })).toEqual(["cache.ttl is a Go duration such as '168h' or '30m'"]);
  });
});

describe("cacheFlagsInArgs", () => {
  it("reads --flag=value, --flag value and a bare --cache", () => {
    expect(cacheFlagsInArgs(["--cache", "--cache-repo", "r/c", "--cache-ttl=6h", "--reproducible"])).toEqual(
      new Map([
        ["cache", "true"],
        ["cache-repo", "r/c"],
        ["cache-ttl", "6h"],
      ]),
    );
    expect(cacheFlagsInArgs(["--cache-dir=/cache", "--cache=false"])).toEqual(new Map([["cache", "false"]]));
  });
});

describe("kanikoCacheArgs", () => {
  it("maps cache to --cache=true --cache-repo (default <destination repository>/cache) [--cache-ttl]", () => {
    expect(kanikoCacheArgs({ enabled: true }, destination, [])).toEqual([
      "--cache=true",
      "--cache-repo=registry.example.com/team/app/cache",
    ]);
    expect(
      kanikoCacheArgs({ enabled: true, repository: "registry.example.com/c", ttl: "6h" }, destination, []),
    ).toEqual(["--cache=true", "--cache-repo=registry.example.com/c", "--cache-ttl=6h"]);
    expect(kanikoCacheArgs({ enabled: false }, destination, [])).toEqual([]);
    expect(kanikoCacheArgs(undefined, destination, [])).toEqual([]);
  });

  it("leaves out each flag executorArgs sets by hand (executorArgs wins)", () => {
    expect(kanikoCacheArgs({ enabled: true, ttl: "6h" }, destination, ["--cache-repo=registry.example.com/x"])).toEqual(
      ["--cache=true", "--cache-ttl=6h"],
    );
    expect(kanikoCacheArgs({ enabled: true }, destination, ["--cache=true", "--cache-ttl", "1h"])).toEqual([
      "--cache-repo=registry.example.com/team/app/cache",
    ]);
  });
});

describe("checkCacheFlags", () => {
  it("accepts agreeing values and flags cache leaves to its defaults", () => {
    expect(checkCacheFlags({ enabled: true, repository: "r/c" }, ["--cache=true", "--cache-repo=r/c"])).toEqual([]);
    expect(checkCacheFlags({ enabled: true }, ["--cache-repo=r/other", "--cache-ttl=1h"])).toEqual([]);
    expect(checkCacheFlags(undefined, ["--cache=false"])).toEqual([]);
  });

  it("names each clash between cache and executorArgs", () => {
    expect(checkCacheFlags({ enabled: true, repository: "r/c", ttl: "6h" }, ["--cache=false"])).toEqual([
      "cache.enabled is true but executorArgs has --cache=false: set it in one place only",
    ]);
    expect(checkCacheFlags({ enabled: false }, ["--cache"])).toEqual([
      "cache.enabled is false but executorArgs has --cache=true: set it in one place only",
    ]);
    expect(
      checkCacheFlags({ enabled: true, repository: "r/c", ttl: "6h" }, ["--cache-repo", "r/d", "--cache-ttl=1h"]),
    ).toEqual([
      "cache.repository is 'r/c' but executorArgs has --cache-repo=r/d: set it in one place only",
      "cache.ttl is '6h' but executorArgs has --cache-ttl=1h: set it in one place only",
    ]);
  });
});

describe("checkCacheRepository", () => {
  it("requires the cache repository we pass to be in the stack's registry, like the destination", async () => {
    const registry = await DefaultContainerRegistryFlavor.createComponent({
      name: "team-registry",
      config: { uri: "registry.example.com/team" },
    });
    expect(() => checkCacheRepository({ enabled: true }, destination, [], registry)).not.toThrow();
    const outside = { enabled: true, repository: "elsewhere.example.com/cache" };
    expect(() => checkCacheRepository(outside, destination, [], registry)).toThrow(ConfigError);
    expect(() => checkCacheRepository(outside, destination, [], registry)).toThrow(
      "The cache repository 'elsewhere.example.com/cache' (cache.repository) is not in container registry 'team-registry' (registry.example.com/team): name it 'registry.example.com/team/<repository>', or leave it out to use 'registry.example.com/team/app/cache'.",
    );
    // A repository set by hand in executorArgs is the user's to choose.
    expect(() => checkCacheRepository(outside, destination, ["--cache-repo=x/y"], registry)).not.toThrow();
  });
});
