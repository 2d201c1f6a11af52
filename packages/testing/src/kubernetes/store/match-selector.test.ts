import { describe, expect, it } from "vitest";
import { matchesFields, matchesLabels, parseSelector } from "./match-selector.js";

describe("selectors", () => {
  it("matches equality, inequality and existence label requirements", () => {
    const labels = { app: "kaniko", tier: "build" };
    expect(matchesLabels(labels, parseSelector("app=kaniko,tier==build"))).toBe(true);
    expect(matchesLabels(labels, parseSelector("app!=kaniko"))).toBe(false);
    expect(matchesLabels(labels, parseSelector("tier,!missing"))).toBe(true);
    expect(matchesLabels(undefined, parseSelector("app=kaniko"))).toBe(false);
    expect(matchesLabels(labels, parseSelector("app in (kaniko, other),tier notin (web)"))).toBe(true);
    expect(matchesLabels(labels, parseSelector("app notin (kaniko)"))).toBe(false);
    expect(matchesLabels(labels, parseSelector("missing notin (x),app in (x,y)"))).toBe(false);
    expect(() => parseSelector("app in (a")).toThrow("malformed set-based requirement: app in (a");
  });

  it("matches dotted field paths", () => {
    const event = { involvedObject: { name: "pod-a", kind: "Pod" }, metadata: { name: "e" } };
    expect(matchesFields(event, parseSelector("involvedObject.name=pod-a,involvedObject.kind=Pod"))).toBe(true);
    expect(matchesFields(event, parseSelector("metadata.name=other"))).toBe(false);
  });
});
