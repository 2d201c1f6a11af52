import { describe, expect, it } from "vitest";
import { onProcessSignal, processSignalHandlersInstalled } from "./process-signals.js";

describe("onProcessSignal", () => {
  it("installs SIGINT/SIGTERM handlers only while a cleanup is registered", () => {
    const before = process.listenerCount("SIGINT");
    expect(processSignalHandlersInstalled()).toBe(false);
    const first = onProcessSignal(async () => {});
    const second = onProcessSignal(async () => {});
    expect(processSignalHandlersInstalled()).toBe(true);
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    expect(process.listenerCount("SIGTERM")).toBeGreaterThan(0);
    first();
    expect(processSignalHandlersInstalled()).toBe(true);
    second();
    expect(processSignalHandlersInstalled()).toBe(false);
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});
