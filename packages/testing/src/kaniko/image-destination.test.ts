import { describe, expect, it } from "vitest";
import { isPlainHttpRegistry, parseImageDestination } from "./image-destination.js";

describe("parseImageDestination", () => {
  it.each([
    ["127.0.0.1:5000/flavorstack/app:v1", "127.0.0.1:5000/flavorstack/app", "v1"],
    ["localhost/app", "localhost/app", "latest"],
    ["registry.example.com/team/app@sha256:abc", "registry.example.com/team/app", "latest"],
    ["busybox", "index.docker.io/library/busybox", "latest"],
    ["user/app:2", "index.docker.io/user/app", "2"],
    ["docker.io/user/app:2", "index.docker.io/user/app", "2"],
  ])("%s → %s", (destination, repository, tag) => {
    expect(parseImageDestination(destination)).toMatchObject({ repository, tag });
  });

  it("refuses uppercase repositories", () => {
    expect(() => parseImageDestination("127.0.0.1:5000/App")).toThrow(/must be lowercase/);
  });

  it("talks plain HTTP to loopback and private registries like go-containerregistry", () => {
    expect(isPlainHttpRegistry("127.0.0.1:5000")).toBe(true);
    expect(isPlainHttpRegistry("localhost:5000")).toBe(true);
    expect(isPlainHttpRegistry("10.1.2.3")).toBe(true);
    expect(isPlainHttpRegistry("registry.example.com")).toBe(false);
  });
});
