import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "workers/**/*.test.ts", "tests/**/*.test.ts"],
    environment: "node",
    globalSetup: ["tests/setup/postgres.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: test files that share the PostgreSQL server or decode images
    // run two at a time.
    maxWorkers: 2,
  },
});
