import { JOB_STATUSES } from "../catalogue/types";
import type { Db } from "../db/client";
import type { JobCounts } from "./types";

/**
 * Counts jobs per status, optionally of one type, for health checks and
 * progress displays. Every status is present, with 0 when no job has it.
 */
export async function countJobsByStatus(db: Db, options: { type?: string } = {}): Promise<JobCounts> {
  const groups = await db.job.groupBy({
    by: ["status"],
    where: options.type === undefined ? {} : { type: options.type },
    _count: { _all: true },
  });

  const counts = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as JobCounts;
  for (const group of groups) {
    if (group.status in counts) counts[group.status as keyof JobCounts] = group._count._all;
  }
  return counts;
}
