import { defineConfig } from "vitest/config";

/** Unit and room tests: `*.test.ts` beside the code. Browser tests live in e2e/ with their own config. */
export default defineConfig({
  test: {
    include: ["client/**/*.test.ts", "server/**/*.test.ts", "shared/**/*.test.ts", "bench/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
