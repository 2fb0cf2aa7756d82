import { defineConfig } from "vitest/config";

/** Browser tests: real server processes and Debian's Chromium, one file at a time. */
export default defineConfig({
  test: {
    include: ["e2e/**/*.spec.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
