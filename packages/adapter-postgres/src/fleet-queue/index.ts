/**
 * The fleet queue: `cgmigrate fleet enqueue` and `cgmigrate fleet work` on
 * graphile-worker, with a PostgreSQL control database as the queue.
 *
 * {@link enqueueFleet} adds one job per target (its name and the command, never a URL);
 * {@link runFleetWorker} runs jobs on any number of machines, retrying what may pass
 * with graphile-worker's back-off and writing each result to `cgmigrate_fleet.results`;
 * {@link readQueueResults} gives `fleet status` each target's last result. A worker
 * killed mid-target leaves it rolled back to its last commit; a live worker releases
 * the dead one's jobs within seconds (each worker holds a liveness lock, keyed by
 * {@link workerLockKey}).
 *
 * A subpath of its own, so that the adapter's main entry never loads graphile-worker.
 *
 * ### Examples
 * ```ts
 * import { enqueueFleet, runFleetWorker } from '@cloudguard/migrate-adapter-postgres/fleet-queue';
 * await enqueueFleet({ controlUrl, command: { command: 'upgrade', target: 'head' }, targets });
 * await runFleetWorker({ controlUrl, env, targets, untilEmpty: true });
 * ```
 *
 * @packageDocumentation
 */

export { enqueueFleet } from './enqueue-fleet.js';
export type { EnqueueFleetOptions, EnqueueFleetResult } from './enqueue-fleet.js';
export { runFleetWorker } from './run-fleet-worker.js';
export type { FleetWorkerEvent, FleetWorkerOptions, FleetWorkerResult, FleetWorkerStopReason } from './run-fleet-worker.js';
export { readFleetQueue, readQueueResults } from './read-queue.js';
export type { ControlDatabaseOptions, FleetQueueState } from './read-queue.js';
export type { QueueSummary } from './queue-summary.js';
export type { QueueResult } from './results-table.js';
export type { QueueLogLine } from './graphile-queue.js';
export type { FleetJobPayload } from './fleet-job.js';
export { isTransientFailure } from './retry-policy.js';
export { workerLockKey } from './worker-liveness.js';
export { DEFAULT_MAX_ATTEMPTS, FLEET_TASK, fleetJobKey, QUEUE_SCHEMA, RESULTS_SCHEMA } from './queue-layout.js';
