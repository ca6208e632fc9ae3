/**
 * Runs `read`, which reads or checks a command's settings. An error it throws
 * ends the process with status 1 and one line on stderr, "<command>: <message>",
 * because a settings mistake needs its fix, not a stack trace.
 */
export function settingOrExit<T>(command: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${command}: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    process.exit(1);
  }
}
