import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "workers/**/*.test.ts", "tests/**/*.test.ts"],
    environment: "node",
    // next-auth imports "next/server" without a file extension, which only
    // resolves when Vite transforms it instead of Node loading it directly.
    server: { deps: { inline: ["next-auth"] } },
    globalSetup: ["tests/setup/postgres.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: test files that share the PostgreSQL server or decode images
    // run two at a time.
    maxWorkers: 2,
  },
});
