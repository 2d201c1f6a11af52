import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["../../scripts/vitest-cache-dir.ts"],
    // Each case spawns the built command (a Node process: ~0.2–0.6 s on a loaded 2-core machine).
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
