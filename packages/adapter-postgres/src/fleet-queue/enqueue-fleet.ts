import { randomUUID } from 'node:crypto';

import { FleetOptionsInvalidError, type FleetCommand, type FleetTarget } from '@cloudguard/migrate-core';

import { ControlDatabase } from './control-database.js';
import type { FleetJobPayload } from './fleet-job.js';
import { loadGraphileWorker, queueOptions, type QueueLogLine } from './graphile-queue.js';
import { DEFAULT_MAX_ATTEMPTS, FLEET_TASK, fleetJobKey } from './queue-layout.js';
import { readQueueSummary, type QueueSummary } from './queue-summary.js';
import { ensureResultsTable } from './results-table.js';

/** Options of {@link enqueueFleet}. */
export interface EnqueueFleetOptions {
  /** The control database (PostgreSQL) that holds the queue; it may carry a password, which is never printed. */
  readonly controlUrl: string;
  /** What each target's job runs. */
  readonly command: FleetCommand;
  /** One job per target. Only their names go into the queue. */
  readonly targets: readonly FleetTarget[];
  /** Attempts per job before it fails for good (1 to 32767). Default {@link DEFAULT_MAX_ATTEMPTS}. */
  readonly maxAttempts?: number | undefined;
  /**
   * The heads of the scripts the jobs are for (`preloadScripts(env).scripts.map.heads`):
   * a worker whose scripts have other heads refuses a job (`FLEET_SCRIPTS_MISMATCH`, retried
   * for a worker of the right release) instead of taking its target elsewhere. Absent: any
   * worker runs the jobs.
   */
  readonly heads?: readonly string[] | undefined;
  /** Names this enqueue in the results. Default: a random UUID. */
  readonly runId?: string | undefined;
  /** graphile-worker's log lines (installing its schema, warnings). */
  readonly onLog?: ((line: QueueLogLine) => void) | undefined;
}

/** What {@link enqueueFleet} did. */
export interface EnqueueFleetResult {
  readonly runId: string;
  /** Jobs added or replaced: one per target. */
  readonly enqueued: number;
  /** Of those, jobs that replaced a waiting job of the same target (enqueued before and not yet run). */
  readonly replaced: number;
  /** The queue's fleet jobs afterwards. */
  readonly queue: QueueSummary;
}

/** Jobs added per statement: graphile-worker's `add_jobs` takes an array; a fleet of 100,000 goes in 100 statements. */
const BATCH = 1000;

/**
 * Adds one job per target to the fleet queue of the control database, for `fleet work`
 * to run. Installs (or upgrades) graphile-worker's schema `graphile_worker` and the
 * results table first, when needed.
 *
 * Each job's payload is `{ name, command, runId }`: the target's name, never its URL,
 * so that no credential of a target lands in the control database (each worker resolves
 * names through its own target source). Its job key is the target's name: enqueueing
 * again replaces a job still waiting for that target, and a target whose job is running
 * gets a new job that runs after it (the old one is not retried).
 *
 * ### Examples
 * ```ts
 * const targets = await selectFleetTargets(env, { targets: 'postgresql://db/app#tenant_*' });
 * const { enqueued } = await enqueueFleet({ controlUrl, command: { command: 'upgrade', target: 'head' }, targets });
 * ```
 * @throws {FleetOptionsInvalidError} for a `maxAttempts` out of range, two targets of one
 *   name, or a command that carries a URL (`verify` with a shadow URL).
 * @throws {DatabaseError} when the control database cannot be reached or refuses.
 * @throws {InvalidUrlError} when `controlUrl` is not a PostgreSQL URL.
 */
export async function enqueueFleet(options: EnqueueFleetOptions): Promise<EnqueueFleetResult> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 32767) {
    throw new FleetOptionsInvalidError('--max-attempts', `'${maxAttempts}' is not a whole number from 1 to 32767`);
  }
  if (options.command.command === 'verify' && options.command.shadowUrl !== undefined) {
    throw new FleetOptionsInvalidError('--shadow-url', 'the queue would store it in the control database: give the workers a shadow database in their config instead');
  }
  const names = new Set<string>();
  for (const target of options.targets) {
    if (names.has(target.name)) throw new FleetOptionsInvalidError('--targets', `two targets are named '${target.name}': each job is keyed by its target's name`);
    names.add(target.name);
  }
  const runId = options.runId ?? randomUUID();
  const db = new ControlDatabase(options.controlUrl);
  const graphile = await loadGraphileWorker();
  const pool = await db.openPool(2);
  try {
    const utils = await graphile.makeWorkerUtils(queueOptions(graphile, pool, options.onLog ?? (() => {})));
    try {
      await ensureResultsTable(pool);
      let replaced = 0;
      for (let start = 0; start < options.targets.length; start += BATCH) {
        const jobs = await utils.addJobs(
          options.targets.slice(start, start + BATCH).map((target) => ({
            identifier: FLEET_TASK,
            payload: { name: target.name, command: options.command, runId, ...(options.heads ? { heads: options.heads } : {}) } satisfies FleetJobPayload,
            jobKey: fleetJobKey(target.name),
            maxAttempts,
          })),
        );
        replaced += jobs.filter((job) => job.revision > 0).length;
      }
      return { runId, enqueued: options.targets.length, replaced, queue: await readQueueSummary(pool) };
    } finally {
      await utils.release();
    }
  } catch (error) {
    throw db.error('Enqueueing the fleet', error);
  } finally {
    await pool.end().catch(() => {});
  }
}
