import { createHash } from 'node:crypto';

import type { LastRun, TargetError } from '@cloudguard/migrate-core';
import type { Pool } from 'pg';

import type { Queryable } from './control-database.js';
import { isMissingRelation } from './control-database.js';
import { RESULTS_SCHEMA } from './queue-layout.js';

const TABLE = `${RESULTS_SCHEMA}.results`;

/**
 * One target's last result, as a worker writes it to `cgmigrate_fleet.results` after
 * each attempt (one row per target: an attempt replaces the row of the one before).
 */
export interface QueueResult {
  readonly name: string;
  /** The enqueue run whose job this was. */
  readonly runId: string;
  /** The command run: `upgrade`, `downgrade`, `stamp`, … */
  readonly command: string;
  /** `succeeded`, `failed`, or `interrupted` (the worker was stopped while the target ran: rolled back). */
  readonly status: 'succeeded' | 'failed' | 'interrupted';
  /** The target's revisions after the attempt, when known. */
  readonly revisions?: readonly string[] | undefined;
  /** Its revisions before, for a command that changes it. */
  readonly from?: readonly string[] | undefined;
  /** Migrations (or stamps) that ran. */
  readonly steps?: number | undefined;
  /** What went wrong; the message has the target's credentials masked. */
  readonly error?: TargetError | undefined;
  readonly durationMs: number;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The job goes back to the queue for another attempt (after graphile-worker's back-off). */
  readonly retrying: boolean;
  /** The worker that ran it: `host:pid`. */
  readonly worker: string;
  /** When the attempt ended (ISO 8601). */
  readonly finishedAt?: string | undefined;
}

/** The advisory lock that serializes the creation of the schema and table between workers starting at once. */
const SETUP_LOCK = createHash('sha256').update(`cgmigrate:${TABLE}:setup`).digest().readBigInt64BE(0).toString();

/**
 * Creates `cgmigrate_fleet.results` unless it exists. Checks first, so that a role that
 * may write the table but not create schemas works once the table is there; creates
 * under an advisory lock, so that workers starting together do not race on
 * `CREATE SCHEMA IF NOT EXISTS` (which fails with a unique violation when two run at once).
 */
export async function ensureResultsTable(pool: Pool): Promise<void> {
  const exists = await pool.query<{ present: boolean }>(`select to_regclass('${TABLE}') is not null as present`);
  if (exists.rows[0]?.present) return;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [SETUP_LOCK]);
    await client.query(`create schema if not exists ${RESULTS_SCHEMA}`);
    await client.query(`create table if not exists ${TABLE} (
      name text primary key,
      run_id text not null,
      command text not null,
      status text not null check (status in ('succeeded', 'failed', 'interrupted')),
      revisions text[],
      from_revisions text[],
      steps integer,
      error_code text,
      error_message text,
      duration_ms integer not null,
      attempt integer not null,
      max_attempts integer not null,
      retrying boolean not null,
      worker text not null,
      finished_at timestamptz not null default now()
    )`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Writes a target's result over the one before. */
export async function writeResult(db: Queryable, result: QueueResult): Promise<void> {
  await db.query(
    `insert into ${TABLE} as r (name, run_id, command, status, revisions, from_revisions, steps, error_code, error_message, duration_ms, attempt, max_attempts, retrying, worker)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     on conflict (name) do update set
       run_id = excluded.run_id, command = excluded.command, status = excluded.status, revisions = excluded.revisions,
       from_revisions = excluded.from_revisions, steps = excluded.steps, error_code = excluded.error_code,
       error_message = excluded.error_message, duration_ms = excluded.duration_ms, attempt = excluded.attempt,
       max_attempts = excluded.max_attempts, retrying = excluded.retrying, worker = excluded.worker, finished_at = now()`,
    [
      result.name,
      result.runId,
      result.command,
      result.status,
      result.revisions ?? null,
      result.from ?? null,
      result.steps ?? null,
      result.error?.code ?? null,
      result.error?.message ?? null,
      result.durationMs,
      result.attempt,
      result.maxAttempts,
      result.retrying,
      result.worker,
    ],
  );
}

interface ResultRow {
  name: string;
  run_id: string;
  command: string;
  status: QueueResult['status'];
  revisions: string[] | null;
  from_revisions: string[] | null;
  steps: number | null;
  error_code: string | null;
  error_message: string | null;
  duration_ms: number;
  attempt: number;
  max_attempts: number;
  retrying: boolean;
  worker: string;
  finished_at: Date;
}

/** Every target's last result, by name; none when no worker ever wrote one (the table does not exist). */
export async function readResults(db: Queryable): Promise<QueueResult[]> {
  let rows: ResultRow[];
  try {
    rows = (await db.query<ResultRow>(`select * from ${TABLE} order by name`)).rows;
  } catch (error) {
    if (isMissingRelation(error)) return [];
    throw error;
  }
  return rows.map((row) => ({
    name: row.name,
    runId: row.run_id,
    command: row.command,
    status: row.status,
    ...(row.revisions === null ? {} : { revisions: row.revisions }),
    ...(row.from_revisions === null ? {} : { from: row.from_revisions }),
    ...(row.steps === null ? {} : { steps: row.steps }),
    ...(row.error_code === null ? {} : { error: { code: row.error_code, message: row.error_message ?? '' } }),
    durationMs: row.duration_ms,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    retrying: row.retrying,
    worker: row.worker,
    finishedAt: row.finished_at.toISOString(),
  }));
}

/** A result as `fleet status` takes it (core's {@link LastRun}). */
export function toLastRun(result: QueueResult): LastRun {
  return {
    name: result.name,
    status: result.status,
    ...(result.error ? { error: result.error } : {}),
    ...(result.finishedAt ? { at: result.finishedAt } : {}),
    durationMs: result.durationMs,
  };
}
