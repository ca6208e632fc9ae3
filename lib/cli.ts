/**
 * Runs `read`, which reads or checks a command's settings. An error it throws
 * ends the process with status 1 and one line on stderr, "<command>: <message>",
 * because a settings mistake needs its fix, not a stack trace.
 */
export function settingOrExit<T>(command: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    return exitWithError(command, error);
  }
}

/** Awaits `check`, which checks a command's settings, and ends the process as settingOrExit does when it rejects. */
export async function checkOrExit<T>(command: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    return exitWithError(command, error);
  }
}

/** Writes "<command>: <message>" on one line to stderr and exits with status 1. */
function exitWithError(command: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${command}: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  process.exit(1);
}
