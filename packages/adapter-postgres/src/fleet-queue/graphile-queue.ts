import type * as GraphileWorkerModule from 'graphile-worker';
import type { Logger, SharedOptions } from 'graphile-worker';
import type { Pool } from 'pg';

import { QUEUE_SCHEMA } from './queue-layout.js';

/** A line graphile-worker logs, as the queue's events carry it. */
export interface QueueLogLine {
  readonly level: 'error' | 'warning' | 'info' | 'debug';
  readonly message: string;
}

/** graphile-worker's module, imported when a queue function first needs it: `readQueueResults` (for `fleet status`) never does. */
export type GraphileWorker = typeof GraphileWorkerModule;

/** Imports graphile-worker. */
export function loadGraphileWorker(): Promise<GraphileWorker> {
  return import('graphile-worker');
}

/**
 * graphile-worker's options shared by the enqueuer and the worker: the control
 * database's pool (ours, with its error listeners), graphile-worker's own schema (named
 * here, so that `GRAPHILE_WORKER_SCHEMA` in the environment cannot move the queue), and a
 * logger that hands its lines to `log` instead of printing them.
 */
export function queueOptions(graphile: GraphileWorker, pool: Pool, log: (line: QueueLogLine) => void): SharedOptions {
  const logger: Logger = new graphile.Logger(() => (level, message) => log({ level, message }));
  return { pgPool: pool as unknown as NonNullable<SharedOptions['pgPool']>, schema: QUEUE_SCHEMA, logger };
}
