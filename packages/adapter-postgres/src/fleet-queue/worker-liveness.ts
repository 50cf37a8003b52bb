import { createHash } from 'node:crypto';

import type { Client } from 'pg';

import type { ControlDatabase, Queryable } from './control-database.js';
import { FLEET_TASK, QUEUE_SCHEMA } from './queue-layout.js';

/**
 * The advisory-lock key of a worker: the first 64 bits of a SHA-256 of
 * `cgmigrate-fleet-worker:<id>`, where the id is graphile-worker's worker-pool id (what
 * its jobs' `locked_by` holds). Computed in JS, as the migration lock's key is, so that
 * it never changes with the server version.
 */
export function workerLockKey(workerId: string): string {
  return createHash('sha256').update(`cgmigrate-fleet-worker:${workerId}`).digest().readBigInt64BE(0).toString();
}

/**
 * A worker's proof of life on the control database: a session advisory lock keyed on
 * its worker id, held on a session of its own for as long as the worker runs. The
 * server frees it when that session ends, and only then: when the process exits, is
 * killed, or loses the network. Other workers read "lock free" as "that worker is gone"
 * (see {@link releaseDeadWorkers}).
 *
 * The worker takes no job before the lock is held: graphile-worker asks
 * `forbiddenFlags` before each job it fetches, and the worker's answer waits for
 * {@link ready}. (graphile-worker's own `startWorker` hook would run once only: if it
 * failed, the worker would go on fetching jobs without the lock.)
 */
export class WorkerLiveness {
  readonly #client: Client;
  #held: Promise<void> | undefined;
  #workerId: string | undefined;
  #lost: Error | undefined;
  #closing = false;
  readonly #onLost: (error: Error) => void;

  private constructor(client: Client, onLost: (error: Error) => void) {
    this.#client = client;
    this.#onLost = onLost;
    client.on('error', (error) => this.#lose(error));
    client.on('end', () => this.#lose(new Error('the session ended')));
  }

  /**
   * Opens the session the lock will be held on. `onLost` hears once if the session
   * ends while the worker runs: other workers may then release its jobs, so it must stop.
   *
   * @throws {DatabaseError} when the control database cannot be reached.
   */
  static async open(db: ControlDatabase, onLost: (error: Error) => void): Promise<WorkerLiveness> {
    return new WorkerLiveness(await db.openClient(), onLost);
  }

  /** The worker id whose lock is held (or being taken). */
  get workerId(): string | undefined {
    return this.#workerId;
  }

  /**
   * Takes the lock of `workerId` (graphile-worker's pool id: random, so no other worker
   * has it). Waits rather than tries: another worker's {@link releaseDeadWorkers} may hold
   * it for the instant of its check.
   */
  hold(workerId: string): void {
    this.#workerId = workerId;
    this.#held = this.#client.query('select pg_advisory_lock($1)', [workerLockKey(workerId)]).then(() => undefined);
    // A failure surfaces through ready(); this keeps it from being an unhandled rejection meanwhile.
    this.#held.catch(() => {});
  }

  /** Resolves once the lock is held; rejects if it could not be taken or was lost. */
  async ready(): Promise<void> {
    if (this.#lost) throw this.#lost;
    if (!this.#held) throw new Error('the worker has no id yet');
    await this.#held;
  }

  /** Asks the session whether it is still there; a failure counts as losing it. */
  async check(): Promise<void> {
    if (this.#lost) throw this.#lost;
    try {
      await this.#client.query('select 1');
    } catch (error) {
      this.#lose(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  /** Ends the session, which frees the lock: call only once the worker holds no job any more. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#client.end().catch(() => {});
  }

  #lose(error: Error): void {
    if (this.#closing || this.#lost) return;
    this.#lost = error;
    this.#onLost(error);
  }
}

/**
 * Gives back the jobs of fleet workers that died holding them: for each worker id that
 * holds a fleet job, whether its liveness lock is free (a transaction-level try-lock,
 * released at once with the statement's transaction); those whose lock is free are
 * gone, and `force_unlock_workers` makes their jobs available again, attempt counted,
 * so the next free worker retries them. graphile-worker itself would wait 4 hours.
 *
 * Safe against live workers: a worker holds its lock before it takes its first job and
 * until it holds none, and a worker id is never reused. `self` is the caller's own id,
 * whose lock its own session holds (advisory locks are re-entrant, so it would look free
 * from there).
 *
 * @returns the ids of the workers whose jobs were released.
 */
export async function releaseDeadWorkers(db: Queryable, self: string | undefined): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select distinct locked_by as id from ${QUEUE_SCHEMA}.jobs where locked_by is not null and task_identifier = $1`,
    [FLEET_TASK],
  );
  const ids = rows.map((row) => row.id).filter((id) => id !== self);
  if (ids.length === 0) return [];
  const free = await db.query<{ id: string }>(
    'select id from unnest($1::text[], $2::bigint[]) as w(id, k) where pg_try_advisory_xact_lock(k)',
    [ids, ids.map(workerLockKey)],
  );
  const dead = free.rows.map((row) => row.id);
  if (dead.length > 0) await db.query(`select ${QUEUE_SCHEMA}.force_unlock_workers($1::text[])`, [dead]);
  return dead;
}
