import pino from "pino";

/**
 * The process-wide logger. LOG_LEVEL sets the level (default "info"; "silent"
 * in tests). Output is JSON lines on stdout; pipe through `npx pino-pretty`
 * to read it.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
  base: { pid: process.pid },
});
