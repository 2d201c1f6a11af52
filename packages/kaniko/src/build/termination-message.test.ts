import { ImageReference } from "@flavorstack/core";
import { describe, expect, it } from "vitest";
import { parseTerminationMessage } from "./termination-message.js";

const digest = `sha256:${"ab".repeat(32)}`;
const requested = ImageReference.parse("ghcr.io/acme/app:1.0");

describe("parseTerminationMessage", () => {
  it("returns the requested reference with kaniko's digest", () => {
    const result = parseTerminationMessage(`ghcr.io/acme/app@${digest}\n`, requested);
    expect(result).toEqual({ ok: true, image: expect.any(ImageReference) });
    if (result.ok) expect(result.image.toString()).toBe(`ghcr.io/acme/app:1.0@${digest}`);
  });

  it("matches Docker Hub names as kaniko writes them (index.docker.io/...)", () => {
    const hub = ImageReference.parse("acme/app:latest");
    const result = parseTerminationMessage(`index.docker.io/acme/app@${digest}`, hub);
    expect(result.ok && result.image.toString()).toBe(`acme/app:latest@${digest}`);
    const official = parseTerminationMessage(
      `index.docker.io/library/python@${digest}`,
      ImageReference.parse("python:3"),
    );
    expect(official.ok).toBe(true);
  });

  it("finds the requested repository among several destinations", () => {
    const message = `ghcr.io/acme/other@${digest}\nghcr.io/acme/app@${digest}`;
    expect(parseTerminationMessage(message, requested).ok).toBe(true);
  });

  it("explains an empty message", () => {
    for (const message of [undefined, "", "  \n"]) {
      const result = parseTerminationMessage(message, requested);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem).toMatch(/left no termination message/);
    }
  });

  it("explains garbage", () => {
    const result = parseTerminationMessage("error: something went wrong", requested);
    expect(!result.ok && result.problem).toMatch(
      /termination message "error: something went wrong" is not an image reference with a digest; expected 'ghcr.io\/acme\/app@sha256:/,
    );
    expect(parseTerminationMessage(`ghcr.io/acme/app@sha256:${"z".repeat(64)}`, requested).ok).toBe(false);
    expect(parseTerminationMessage("ghcr.io/acme/app:1.0", requested).ok).toBe(false);
    const long = parseTerminationMessage("x".repeat(5000), requested);
    expect(!long.ok && long.problem.length).toBeLessThan(500);
  });

  it("refuses a digest of another repository, including a longer name with the same prefix", () => {
    for (const other of [
      `ghcr.io/acme/app2@${digest}`,
      `ghcr.io/acme/app/sub@${digest}`,
      `docker.io/acme/app@${digest}`,
    ]) {
      const result = parseTerminationMessage(other, requested);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem).toMatch(/not to the requested repository 'ghcr.io\/acme\/app'/);
    }
  });
});
