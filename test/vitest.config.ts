import { defineConfig } from "vitest/config";

// End-to-end tests start real servers (registry, buildah builds): generous
// timeouts, one process per file (child processes and ports stay per file).
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    pool: "forks",
    globalSetup: ["../scripts/vitest-cache-dir.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
