import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { LockTimeoutError, lockWaitedMs, type LockWait, type MigrationLock, type VersionTableLocation } from '@cloudguard/migrate-core';
import type { Client } from 'pg';

/** How often a waiting runner retries `pg_try_advisory_lock`. */
const POLL_INTERVAL_MS = 100;

/**
 * The advisory-lock key of a version table: the first 64 bits of a SHA-256 of
 * `cgmigrate:<schema>.<table>`, as a signed `bigint`. Computed here rather than with
 * `hashtextextended` so that it never changes with the server version, and so that
 * `pg_locks` can be searched for it (it splits the key into `classid` and `objid`).
 *
 * ### Examples
 * ```ts
 * advisoryLockKey('public', 'alembic_version') // a fixed bigint, the same on every run
 * ```
 */
export function advisoryLockKey(schema: string, table: string): bigint {
  const digest = createHash('sha256').update(`cgmigrate:${schema}.${table}`).digest();
  return digest.readBigInt64BE(0);
}

/**
 * Takes the migration lock: a session-level advisory lock keyed on the version table,
 * on `client`, a connection used for nothing else. The lock then lives exactly as long
 * as that session: {@link MigrationLock.release} unlocks and closes it, and if the
 * process dies (even by `SIGKILL`) the server ends the session and frees the lock.
 *
 * Waiting polls `pg_try_advisory_lock` with a sleep between tries instead of calling
 * the blocking `pg_advisory_lock`: a blocked waiter sits in the lock queue, and a
 * migration's DDL taking other locks can then deadlock against it (Flyway issue
 * #1654). Polling also keeps the wait within `timeoutMs` without a `lock_timeout`.
 *
 * Takes ownership of `client`: it is closed on every path that does not return a lock.
 *
 * ### Examples
 * ```ts
 * const lock = await acquirePostgresLock(client, { name: 'alembic_version' }, { mode: 'wait', timeoutMs: 30_000 });
 * try { … } finally { await lock.release(); }
 * ```
 *
 * @throws {LockTimeoutError} when another session holds the lock past the wait (at
 *   once in `fail` mode); its `holder` describes that session from `pg_stat_activity`.
 */
export async function acquirePostgresLock(
  client: Client,
  table: VersionTableLocation,
  wait: LockWait,
): Promise<MigrationLock> {
  try {
    const schema =
      table.schema ?? (await client.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? '';
    const key = advisoryLockKey(schema, table.name).toString();
    const started = performance.now();
    const limitMs = wait.mode === 'wait' ? Math.max(0, wait.timeoutMs) : 0;
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key]);
      if (rows[0]?.locked === true) return new PostgresLock(client, key);
      const waited = performance.now() - started;
      if (waited >= limitMs) throw new LockTimeoutError(lockWaitedMs(wait, waited), await describeHolder(client, key));
      await sleep(Math.min(POLL_INTERVAL_MS, limitMs - waited));
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

class PostgresLock implements MigrationLock {
  #client: Client | undefined;
  readonly #key: string;

  constructor(client: Client, key: string) {
    this.#client = client;
    this.#key = key;
  }

  /** Ending the session frees the lock by itself, so a failed unlock (a dropped connection) is not an error. */
  async release(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    try {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.#key]);
    } catch {
      // the session is gone or going: the server releases its locks
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** Who holds the advisory lock `key` in this database, for {@link LockTimeoutError.holder}; `undefined` if nobody now. */
async function describeHolder(client: Client, key: string): Promise<string | undefined> {
  const unsigned = BigInt.asUintN(64, BigInt(key));
  const classid = (unsigned >> 32n).toString();
  const objid = (unsigned & 0xffff_ffffn).toString();
  const { rows } = await client.query<HolderRow>(
    `SELECT l.pid, a.application_name, a.usename, host(a.client_addr) AS client_addr, a.client_port,
            a.backend_start, a.xact_start, a.state, a.state_change
       FROM pg_locks l
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = $1::oid AND l.objid = $2::oid`,
    [classid, objid],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const parts = [`pid ${row.pid}`];
  if (row.application_name) parts.push(`application_name '${row.application_name}'`);
  if (row.usename) parts.push(`user ${row.usename}`);
  parts.push(row.client_addr ? `client ${row.client_addr}${row.client_port > 0 ? `:${row.client_port}` : ''}` : 'client local socket');
  if (row.backend_start) parts.push(`connected since ${iso(row.backend_start)}`);
  if (row.xact_start) parts.push(`in a transaction since ${iso(row.xact_start)}`);
  if (row.state && row.state_change) parts.push(`${row.state} since ${iso(row.state_change)}`);
  return parts.join(', ');
}

interface HolderRow {
  readonly pid: number;
  readonly application_name: string | null;
  readonly usename: string | null;
  readonly client_addr: string | null;
  readonly client_port: number;
  readonly backend_start: Date | null;
  readonly xact_start: Date | null;
  readonly state: string | null;
  readonly state_change: Date | null;
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}
