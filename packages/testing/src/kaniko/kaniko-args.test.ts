import { describe, expect, it } from "vitest";
import { parseKanikoArgs } from "./kaniko-args.js";

describe("parseKanikoArgs", () => {
  it("reads =value and separate-value forms, repeatable flags, short flags and booleans", () => {
    const args = parseKanikoArgs([
      "--dockerfile=sub/Dockerfile",
      "--context",
      "tar://stdin",
      "--destination=127.0.0.1:5000/a:1",
      "-d",
      "127.0.0.1:5000/a:latest",
      "--build-arg=A=1",
      "--build-arg",
      "B=2",
      "--label=x=y",
      "--target=final",
      "--insecure",
      "--skip-tls-verify=false",
      "--image-name-with-digest-file=/dev/termination-log",
      "--digest-file=/tmp/d",
      "--verbosity=debug",
      "--cache=true",
      "--cache-repo",
      "r/cache",
      "--cache-ttl=6h",
      "--reproducible",
    ]);
    expect(args).toMatchObject({
      dockerfile: "sub/Dockerfile",
      context: "tar://stdin",
      destinations: ["127.0.0.1:5000/a:1", "127.0.0.1:5000/a:latest"],
      buildArgs: ["A=1", "B=2"],
      labels: ["x=y"],
      target: "final",
      insecure: true,
      skipTlsVerify: false,
      imageNameWithDigestFile: "/dev/termination-log",
      digestFile: "/tmp/d",
      verbosity: "debug",
      cache: true,
      cacheRepo: "r/cache",
      cacheTtl: "6h",
      cacheCopyLayers: false,
      ignored: ["--reproducible"],
      positional: [],
    });
  });

  it("defaults the Dockerfile and rejects a flag missing its value", () => {
    expect(parseKanikoArgs([]).dockerfile).toBe("Dockerfile");
    expect(() => parseKanikoArgs(["--destination"])).toThrow("flag needs an argument: --destination");
    expect(() => parseKanikoArgs(["--insecure=maybe"])).toThrow(/ParseBool/);
  });
});
