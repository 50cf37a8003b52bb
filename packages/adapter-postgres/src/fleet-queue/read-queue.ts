import type { LastRun } from '@cloudguard/migrate-core';

import { ControlDatabase } from './control-database.js';
import { readQueueSummary, type QueueSummary } from './queue-summary.js';
import { readResults, toLastRun, type QueueResult } from './results-table.js';

/** Which control database to read. */
export interface ControlDatabaseOptions {
  /** The control database (PostgreSQL); it may carry a password, which is never printed. */
  readonly controlUrl: string;
}

/** The queue as `fleet work` left it: its jobs by state, and every target's last result. */
export interface FleetQueueState {
  readonly queue: QueueSummary;
  readonly results: readonly QueueResult[];
}

/**
 * How each target's last queued run ended, as core's `LastRun` (what `fleet status`
 * shows as "failed last time"). Reads only the results table: graphile-worker is not
 * loaded. Empty when no worker ever wrote a result.
 *
 * ### Examples
 * ```ts
 * const status = await fleetStatus(env, { targets, lastRuns: await readQueueResults({ controlUrl }) });
 * ```
 * @throws {DatabaseError} when the control database cannot be reached.
 * @throws {InvalidUrlError} when `controlUrl` is not a PostgreSQL URL.
 */
export async function readQueueResults(options: ControlDatabaseOptions): Promise<LastRun[]> {
  const db = new ControlDatabase(options.controlUrl);
  return db.use('Reading the fleet results', async (session) => (await readResults(session)).map(toLastRun));
}

/**
 * The queue's fleet jobs by state (waiting, retrying, running, failed for good) and the
 * full results (attempts, worker, revisions). Reads tables only: graphile-worker is not
 * loaded.
 *
 * @throws {DatabaseError} when the control database cannot be reached.
 * @throws {InvalidUrlError} when `controlUrl` is not a PostgreSQL URL.
 */
export async function readFleetQueue(options: ControlDatabaseOptions): Promise<FleetQueueState> {
  const db = new ControlDatabase(options.controlUrl);
  return db.use('Reading the fleet queue', async (session) => ({ queue: await readQueueSummary(session), results: await readResults(session) }));
}
