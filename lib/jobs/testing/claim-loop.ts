/**
 * Child process for the multi-process claim test. It connects to a SQLite
 * file, prints "ready", waits for a line on stdin (so that all children start
 * claiming together), then claims and completes jobs until none are left and
 * prints the claimed ids as one JSON line.
 * Usage: node --import tsx claim-loop.ts SQLITE_PATH WORKER_ID TYPE LIMIT
 */
import readline from "node:readline";

import { createDatabase } from "../../db/client";
import { claimJobs, completeJob } from "../lease";

const [sqlitePath, workerId, type, limitText] = process.argv.slice(2);
if (!sqlitePath || !workerId || !type || !limitText) {
  throw new Error("Usage: claim-loop.ts SQLITE_PATH WORKER_ID TYPE LIMIT");
}

const { prisma } = createDatabase({ provider: "sqlite", url: `file:${sqlitePath}`, sqlitePath });
const claimed: number[] = [];
const batchSizes: number[] = [];

// Open the connection before reporting ready, so that start-up time does not skew the race.
await prisma.job.count();
process.stdout.write("ready\n");
const input = readline.createInterface({ input: process.stdin });
await new Promise((resolve) => input.once("line", resolve));
input.close();

for (;;) {
  const jobs = await claimJobs(prisma, "sqlite", { workerId, types: [type], limit: Number(limitText), leaseMs: 60_000 });
  if (jobs.length === 0) break;
  batchSizes.push(jobs.length);
  for (const job of jobs) {
    claimed.push(job.id);
    if (!(await completeJob(prisma, workerId, job.id))) throw new Error(`Worker ${workerId} lost job ${job.id}`);
  }
}

await prisma.$disconnect();
process.stdout.write(`${JSON.stringify({ workerId, claimed, batchSizes })}\n`);
