import { describe, expect, it } from "vitest";
import { ImageReferenceError } from "../errors.js";
import { ImageReference } from "./image-reference.js";

const digest = `sha256:${"ab".repeat(32)}`;

describe("ImageReference.parse", () => {
  it.each([
    ["python", undefined, "python", undefined, undefined, "docker.io/library/python"],
    ["python:3.12-slim", undefined, "python", "3.12-slim", undefined, "docker.io/library/python"],
    ["acme/app", undefined, "acme/app", undefined, undefined, "docker.io/acme/app"],
    ["docker.io/acme/app:1", "docker.io", "acme/app", "1", undefined, "docker.io/acme/app"],
    ["index.docker.io/acme/app", "index.docker.io", "acme/app", undefined, undefined, "docker.io/acme/app"],
    ["localhost/app", "localhost", "app", undefined, undefined, "localhost/app"],
    ["localhost:5000/app:dev", "localhost:5000", "app", "dev", undefined, "localhost:5000/app"],
    ["127.0.0.1:5000/a/b/c:x", "127.0.0.1:5000", "a/b/c", "x", undefined, "127.0.0.1:5000/a/b/c"],
    ["[::1]:5000/app", "[::1]:5000", "app", undefined, undefined, "[::1]:5000/app"],
    [`ghcr.io/o/app@${digest}`, "ghcr.io", "o/app", undefined, digest, "ghcr.io/o/app"],
    [`ghcr.io/o/app:1.0@${digest}`, "ghcr.io", "o/app", "1.0", digest, "ghcr.io/o/app"],
    ["Registry/app", "Registry", "app", undefined, undefined, "Registry/app"],
    ["a__b/c-d--e/f.g_h", undefined, "a__b/c-d--e/f.g_h", undefined, undefined, "docker.io/a__b/c-d--e/f.g_h"],
  ])("parses %s", (text, registry, repository, tag, dig, canonical) => {
    const ref = ImageReference.parse(text);
    expect(ref.registry).toBe(registry);
    expect(ref.repository).toBe(repository);
    expect(ref.tag).toBe(tag);
    expect(ref.digest).toBe(dig);
    expect(ref.canonicalName).toBe(canonical);
    expect(ref.toString()).toBe(text);
  });

  it.each([
    ["", "it is empty"],
    [" app", "whitespace"],
    ["App", "must be lowercase"],
    ["acme/App:1", "must be lowercase"],
    ["app:", "the tag '' is not valid"],
    ["app:-x", "the tag '-x' is not valid"],
    [`app:${"x".repeat(129)}`, "is not valid"],
    ["app@sha256:abc", "64 lowercase hex"],
    ["app@notadigest", "is not of the form"],
    ["ghcr.io/", "is not valid"],
    ["ghcr.io//app", "is not valid"],
    ["app/", "is not valid"],
    ["-app", "is not valid"],
    ["my_host.com:port/app", "is not a valid host"],
    [`a/${"b".repeat(300)}`, "longer than 255"],
  ])("refuses %j with a clear message", (text, fragment) => {
    expect(() => ImageReference.parse(text)).toThrowError(ImageReferenceError);
    expect(() => ImageReference.parse(text)).toThrowError(fragment);
    expect(() => ImageReference.parse(text)).toThrowError("Use the form");
  });

  it("compares repositories, not string prefixes", () => {
    const app = ImageReference.parse("repo.example.com/team/app");
    expect(app.sameRepository(`repo.example.com/team/app2@${digest}`)).toBe(false);
    expect(app.sameRepository("repo.example.com/team/app:latest")).toBe(true);
    expect(ImageReference.parse("python").sameRepository("index.docker.io/library/python:3")).toBe(true);
  });

  it("replaces tag and digest", () => {
    const ref = ImageReference.parse("127.0.0.1:5000/app:1");
    expect(ref.withDigest(digest).toString()).toBe(`127.0.0.1:5000/app:1@${digest}`);
    expect(ref.withTag(undefined).withDigest(digest).toString()).toBe(`127.0.0.1:5000/app@${digest}`);
    expect(ImageReference.tryParse("Bad")).toBeUndefined();
  });
});
