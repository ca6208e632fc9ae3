import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  // Native and wasm packages are loaded from node_modules at run time instead
  // of being bundled.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "sharp",
    "hnswlib-node",
    "pino",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
  ],
  poweredByHeader: false,
  // Keep `next dev` and `next build` from writing AGENTS.md into the repository.
  agentRules: false,
  // authInterrupts enables forbidden(), which gives the admin pages a real 403 status.
  experimental: { agentUpgrade: false, authInterrupts: true },
  // Type checking of the whole repository (tests, workers) is `npm run typecheck`;
  // the build checks only what the app imports.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // Lets a test run build into its own folder without touching the main build.
  distDir: process.env.STYLELENS_NEXT_DIST_DIR || ".next",
};

export default withNextIntl(nextConfig);
