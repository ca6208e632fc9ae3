/** Port of the vision worker's query server. STYLELENS_WORKER_PORT, else 3101. */
export function workerPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.STYLELENS_WORKER_PORT?.trim() || "3101";
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`Invalid STYLELENS_WORKER_PORT "${raw}": use a whole number from 1 to 65535`);
  }
  return value;
}

/** Base URL of the query server; it listens on loopback only. */
export function workerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${workerPort(env)}`;
}
