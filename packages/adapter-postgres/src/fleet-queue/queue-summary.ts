import type { Queryable } from './control-database.js';
import { isMissingRelation } from './control-database.js';
import { FLEET_TASK, QUEUE_SCHEMA } from './queue-layout.js';

/** How many fleet jobs the queue holds, by state. Jobs that completed are gone from it: their outcome is in the results. */
export interface QueueSummary {
  /** Waiting for their first attempt. */
  readonly pending: number;
  /** Waiting for another attempt, after graphile-worker's back-off. */
  readonly retrying: number;
  /** Taken by a worker now (or by a worker that died, until a live one releases them). */
  readonly running: number;
  /** Out of attempts: failed for good (the results say why); enqueue again to retry. */
  readonly failed: number;
}

const EMPTY: QueueSummary = { pending: 0, retrying: 0, running: 0, failed: 0 };

/** Counts the fleet's jobs by state; all zero when the queue was never installed. */
export async function readQueueSummary(db: Queryable): Promise<QueueSummary> {
  try {
    const { rows } = await db.query<Record<keyof QueueSummary, number>>(
      `select
         count(*) filter (where locked_at is null and attempts = 0 and attempts < max_attempts)::int as pending,
         count(*) filter (where locked_at is null and attempts > 0 and attempts < max_attempts)::int as retrying,
         count(*) filter (where locked_at is not null)::int as running,
         count(*) filter (where locked_at is null and attempts >= max_attempts)::int as failed
       from ${QUEUE_SCHEMA}.jobs where task_identifier = $1`,
      [FLEET_TASK],
    );
    return rows[0] ?? EMPTY;
  } catch (error) {
    if (isMissingRelation(error)) return EMPTY;
    throw error;
  }
}

/**
 * Jobs some worker may still run: waiting, retrying, or taken by a worker with attempts
 * left. A job on its last attempt that a dead worker held counts no more: releasing it
 * leaves it failed for good, so no worker would take it.
 */
export async function countRunnableJobs(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from ${QUEUE_SCHEMA}.jobs where task_identifier = $1 and attempts < max_attempts`,
    [FLEET_TASK],
  );
  return rows[0]?.n ?? 0;
}
