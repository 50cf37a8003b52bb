/**
 * Where the fleet queue lives in the control database, and the names its jobs carry.
 * These are part of the queue's contract: every worker and enqueuer of a fleet must
 * agree on them, so they are constants, not options.
 */

/** The graphile-worker task identifier of a fleet job: one job runs one command on one target. */
export const FLEET_TASK = 'cgmigrate_fleet_target';

/** graphile-worker's own schema (its jobs, its migrations), installed by graphile-worker itself. */
export const QUEUE_SCHEMA = 'graphile_worker';

/** cgmigrate's schema in the control database: the results table. */
export const RESULTS_SCHEMA = 'cgmigrate_fleet';

/**
 * Attempts a job gets by default. graphile-worker waits `exp(attempt)` seconds after a
 * failed attempt (3 s, 7 s, 20 s, 55 s, 2.5 min, 7 min, 18 min), so 8 attempts retry a
 * target that stays unreachable for about half an hour before the job fails for good.
 */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * The graphile-worker job key of a target: one waiting job per target, so enqueueing
 * again replaces the waiting job instead of adding a second one. Prefixed because job
 * keys are unique across every task of the queue, and the control database's queue may
 * serve other applications too.
 *
 * ### Examples
 * ```ts
 * fleetJobKey('db:5432/app#tenant_7') // 'cgmigrate_fleet:db:5432/app#tenant_7'
 * ```
 */
export function fleetJobKey(name: string): string {
  return `cgmigrate_fleet:${name}`;
}
