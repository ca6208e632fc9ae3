import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDatabase, type Database } from "@/lib/db/client";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { claimJobs, completeJob } from "./lease";

const TYPE = "concurrency-test";
const JOB_COUNT = 300;
const CLAIM_LIMIT = 4;
const CLAIMERS = 4;

interface ClaimerReport {
  workerId: string;
  claimed: number[];
  batchSizes: number[];
}

describe.each(testProviders())("concurrent claims on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await database.prisma.job.createMany({
      data: Array.from({ length: JOB_COUNT }, (_, i) => ({ type: TYPE, payload: JSON.stringify({ i }) })),
    });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("claims every job exactly once", async () => {
    const reports =
      provider === "postgresql"
        ? await claimWithSeparateClients(database)
        : await claimWithChildProcesses(database.config.sqlitePath as string);

    const claimed = reports.flatMap((report) => report.claimed);
    const jobIds = (await database.prisma.job.findMany({ select: { id: true } })).map((job) => job.id);
    expect(claimed).toHaveLength(JOB_COUNT);
    expect(new Set(claimed).size).toBe(JOB_COUNT);
    expect([...claimed].sort((a, b) => a - b)).toEqual(jobIds.sort((a, b) => a - b));

    const batchSizes = reports.flatMap((report) => report.batchSizes);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(CLAIM_LIMIT);

    // The claimers really competed: more than one of them got work.
    expect(reports.filter((report) => report.claimed.length > 0).length).toBeGreaterThan(1);
    expect(await database.prisma.job.count({ where: { status: "done" } })).toBe(JOB_COUNT);
  });
});

/** Runs CLAIMERS claim loops in parallel in this process, each with its own connection pool. */
async function claimWithSeparateClients(database: TestDatabase): Promise<ClaimerReport[]> {
  const clients: Database[] = Array.from({ length: CLAIMERS }, () => createDatabase(database.config));
  try {
    return await Promise.all(
      clients.map(async (client, index) => {
        const report: ClaimerReport = { workerId: `worker-${index}`, claimed: [], batchSizes: [] };
        for (;;) {
          const jobs = await claimJobs(client.prisma, client.provider, {
            workerId: report.workerId,
            types: [TYPE],
            limit: CLAIM_LIMIT,
            leaseMs: 60_000,
          });
          if (jobs.length === 0) return report;
          report.batchSizes.push(jobs.length);
          for (const job of jobs) {
            report.claimed.push(job.id);
            if (!(await completeJob(client.prisma, report.workerId, job.id))) {
              throw new Error(`${report.workerId} lost job ${job.id}`);
            }
          }
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.prisma.$disconnect()));
  }
}

/**
 * Runs CLAIMERS child processes on the same SQLite file. Each opens its own
 * connection and reports "ready"; all start claiming when the test writes a
 * line to every child's stdin.
 */
async function claimWithChildProcesses(sqlitePath: string): Promise<ClaimerReport[]> {
  const script = path.join(import.meta.dirname, "testing", "claim-loop.ts");
  const children = Array.from({ length: CLAIMERS }, (_, index) =>
    spawn(process.execPath, ["--import", "tsx", script, sqlitePath, `worker-${index}`, TYPE, String(CLAIM_LIMIT)], {
      stdio: ["pipe", "pipe", "pipe"],
    }),
  );

  const outputs = children.map((child) => {
    const lines = readline.createInterface({ input: child.stdout });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<void>((resolve) => lines.once("line", () => resolve()));
    const report = new Promise<ClaimerReport>((resolve, reject) => {
      let last = "";
      lines.on("line", (line) => (last = line));
      child.once("exit", (code) => {
        if (code === 0) resolve(JSON.parse(last) as ClaimerReport);
        else reject(new Error(`Claim child exited with code ${code}: ${stderr}`));
      });
    });
    return { ready, report };
  });

  await Promise.all(outputs.map((output) => output.ready));
  for (const child of children) child.stdin.write("go\n");
  return Promise.all(outputs.map((output) => output.report));
}
