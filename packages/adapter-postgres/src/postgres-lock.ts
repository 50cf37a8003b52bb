import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  LockLostError,
  LockTimeoutError,
  lockWaitedMs,
  type LockHolderListener,
  type LockWait,
  type MigrationLock,
  type Session,
  type VersionTableLocation,
} from '@cloudguard/migrate-core/adapter';
import type { Client } from 'pg';

import type { PostgresSession } from './postgres-session.js';

/** How often a waiting runner retries `pg_try_advisory_lock`. */
const POLL_INTERVAL_MS = 100;

/** How often a waiting runner asks again who holds the lock, for its `onHeld` listener. */
const HOLDER_REFRESH_MS = 1000;

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
 * The database session a migration lock is taken on: the session the run's
 * transactions and `transactional: false` steps use (a `migrate` connection's pool of
 * one, an `inspect` connection's client), so that the lock shares that session's fate.
 */
export interface LockSession {
  /** Runs `work` on the session's pg client (checked out of the pool for the call, when there is one). */
  use<T>(work: (client: Client) => Promise<T>): Promise<T>;
}

/**
 * The migration lock of one connection: a session-level advisory lock keyed on the
 * version table, taken on the very session that runs the migrations (see
 * {@link LockSession}).
 *
 * Why that session and not one of its own: a session advisory lock is freed only by an
 * unlock or by the end of its session. On the migrations' own session, every `COMMIT`
 * that succeeds comes from the session holding the lock, and when the server ends that
 * session (`pg_terminate_backend`, `idle_session_timeout`, a restart) the statements
 * still to come fail with it, instead of running on while another runner takes the
 * lock. A lock on a separate idle session could be lost without the migration session
 * noticing. {@link MigrationLock.verify} then confirms, on the session about to commit or
 * to run a `transactional: false` step, that this backend still holds the lock: a pool
 * that reconnected after its session was killed (a new backend, without the lock), or a
 * migration that ran `pg_advisory_unlock_all()` or `DISCARD ALL`, stops the run with
 * {@link LockLostError}.
 *
 * Advisory locks are re-entrant within a session, so two commands sharing one
 * connection (a service's `MigrationManager`) would both get it from the server: this
 * object keeps them apart itself, the second waiting as for another runner.
 */
export class PostgresSessionLock {
  readonly #session: LockSession;
  readonly #table: VersionTableLocation;
  #held: PostgresLock | undefined;

  constructor(session: LockSession, table: VersionTableLocation) {
    this.#session = session;
    this.#table = table;
  }

  /**
   * Takes the lock. Waiting polls `pg_try_advisory_lock` with a sleep between tries
   * instead of calling the blocking `pg_advisory_lock`: a blocked waiter sits in the
   * lock queue, and a migration's DDL taking other locks can then deadlock against it
   * (Flyway issue #1654). Polling also keeps the wait within `timeoutMs` without a
   * `lock_timeout`. If the process dies (even by `SIGKILL`), the server ends the
   * session and frees the lock.
   *
   * ### Examples
   * ```ts
   * const lock = await sessionLock.acquire({ mode: 'wait', timeoutMs: 30_000 });
   * try { … } finally { await lock.release(); }
   * ```
   *
   * While it waits, `onHeld` is told the holding session as `pg_stat_activity`
   * describes it, at the first busy attempt and then about once a second.
   *
   * @throws {LockTimeoutError} when another session (or another command on this
   *   connection) holds the lock past the wait (at once in `fail` mode); its `holder`
   *   describes that session from `pg_stat_activity`.
   */
  async acquire(wait: LockWait, onHeld?: LockHolderListener): Promise<MigrationLock> {
    return this.#session.use(async (client) => {
      const schema =
        this.#table.schema ??
        (await client.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema ??
        '';
      const key = advisoryLockKey(schema, this.#table.name).toString();
      const started = performance.now();
      const limitMs = wait.mode === 'wait' ? Math.max(0, wait.timeoutMs) : 0;
      let holderAskedAt = Number.NEGATIVE_INFINITY;
      for (;;) {
        if (this.#held === undefined) {
          const { rows } = await client.query<{ locked: boolean; pid: number }>(
            `SELECT ${TAKE_TWICE} AS locked, pg_backend_pid() AS pid`,
            [key],
          );
          const row = rows[0];
          if (row?.locked === true) {
            const lock = new PostgresLock(this.#session, key, row.pid, () => {
              if (this.#held === lock) this.#held = undefined;
            });
            this.#held = lock;
            return lock;
          }
        }
        const waited = performance.now() - started;
        if (waited >= limitMs) throw new LockTimeoutError(lockWaitedMs(wait, waited), await describeHolder(client, key));
        if (onHeld !== undefined && performance.now() - holderAskedAt >= HOLDER_REFRESH_MS) {
          holderAskedAt = performance.now();
          onHeld(await describeHolder(client, key));
        }
        await sleep(Math.min(POLL_INTERVAL_MS, limitMs - waited));
      }
    });
  }

  /**
   * What a failure of the run's work means: {@link LockLostError} when a lock is held
   * and its session has meanwhile ended or dropped it (so the failure is the loss, such
   * as `terminating connection due to administrator command`, and another runner may
   * now hold the lock), `error` itself otherwise. Checked only after a failure.
   */
  async explainFailure(error: unknown): Promise<unknown> {
    const held = this.#held;
    if (held === undefined || error instanceof LockLostError) return error;
    let reason: string | undefined;
    try {
      reason = await this.#session.use((client) => held.lossOn(clientQuery(client)));
    } catch (checkError) {
      reason = `the lock's session could not be reached to confirm it still holds the lock (${describeError(checkError)})`;
    }
    return reason === undefined ? error : new LockLostError(`${reason}; the work in flight failed with: ${describeError(error)}`);
  }
}

/**
 * One holding of the lock: the advisory lock `key` on backend `pid`.
 */
class PostgresLock implements MigrationLock {
  readonly #session: LockSession;
  readonly #key: string;
  readonly #pid: number;
  readonly #onRelease: () => void;
  #released = false;

  constructor(session: LockSession, key: string, pid: number, onRelease: () => void) {
    this.#session = session;
    this.#key = key;
    this.#pid = pid;
    this.#onRelease = onRelease;
  }

  /**
   * Unlocks on the lock's session, unless that session is gone (the server freed the
   * lock with it) or the connection is closed: neither is an error.
   */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#onRelease();
    try {
      await this.#session.use(async (client) => {
        // A new backend (the pool reconnected) never held the lock: nothing to unlock.
        if (client.processID !== this.#pid) return;
        // Both holds (see TAKE_TWICE); never pg_advisory_unlock_all(), which would drop a migration's own advisory locks.
        await client.query('SELECT pg_advisory_unlock($1::bigint), pg_advisory_unlock($1::bigint)', [this.#key]);
      });
    } catch {
      // the session is gone or going, or the connection is closed: the server releases its locks
    }
  }

  /**
   * Confirms, on `session` (the one about to commit or to run a step), that its backend
   * is the one that took the lock and that it still holds it.
   *
   * @throws {LockLostError} when the lock was released, its session ended (the
   *   connection now runs on a new backend), or the check itself cannot run.
   */
  async verify(session: Session): Promise<void> {
    const reason = await this.lossOn(sessionQuery(session));
    if (reason !== undefined) throw new LockLostError(reason);
  }

  /**
   * Why the lock is no longer held, as seen from the session `query` runs on, or
   * `undefined` while it is held there. A check that cannot run (the session is gone)
   * counts as a loss: nothing may commit without the lock.
   */
  async lossOn(query: LockQuery): Promise<string | undefined> {
    if (this.#released) return 'the lock was released before the run ended';
    let row: { pid: number; held: boolean } | undefined;
    try {
      row = (await query(VERIFY_SQL, [this.#key]))[0];
    } catch (error) {
      return `the lock's session (pid ${this.#pid}) could not confirm that it still holds the lock (${describeError(error)})`;
    }
    if (row === undefined || row.pid !== this.#pid) {
      return (
        `the lock's session (pid ${this.#pid}) has ended` +
        (row === undefined ? '' : `, and the connection now runs on a new session (pid ${row.pid}) that does not hold the lock`)
      );
    }
    if (!row.held) {
      return (
        `the lock's session (pid ${this.#pid}) no longer holds it: a statement released it ` +
        `(pg_advisory_unlock, pg_advisory_unlock_all() or DISCARD ALL in a migration)`
      );
    }
    return undefined;
  }
}

/** Runs the lock check on one session. */
type LockQuery = (sql: string, params: readonly string[]) => Promise<{ pid: number; held: boolean }[]>;

/**
 * Takes the advisory lock `$1` twice (advisory locks count per session), or not at all:
 * see {@link VERIFY_SQL}. `CASE` fixes the order, so the second take only runs after
 * the first succeeded.
 */
const TAKE_TWICE = 'CASE WHEN pg_try_advisory_lock($1::bigint) THEN pg_try_advisory_lock($1::bigint) ELSE false END';

/**
 * This backend's pid, and whether it holds the advisory lock `$1`. The lock is held
 * twice ({@link TAKE_TWICE}), so giving one hold back and taking it again never leaves
 * it free for another session, and `pg_advisory_unlock` answers whether this session
 * held it at all: `false` (with a server warning) once a statement released it or the
 * session is a new one. This asks the lock manager about one lock, where reading
 * `pg_locks` would list every lock of the server (thousands while a long migration's
 * transaction holds its tables).
 */
const VERIFY_SQL = `SELECT pg_backend_pid() AS pid,
  CASE WHEN pg_advisory_unlock($1::bigint) THEN pg_try_advisory_lock($1::bigint) ELSE false END AS held`;

/**
 * The lock check on the pg client behind `session` when it has one (the adapter's
 * sessions do), so that it does not show among the migration's statements; through
 * `session.query` otherwise.
 */
function sessionQuery(session: Session): LockQuery {
  const client = (session as Partial<PostgresSession>).pgClient;
  if (client !== undefined) return clientQuery(client);
  return (sql, params) => {
    const parts = sql.split('$1');
    return session.query(parts.join('?'), parts.slice(1).map(() => params[0]));
  };
}

function clientQuery(client: Client): LockQuery {
  return async (sql, params) => (await client.query<{ pid: number; held: boolean }>(sql, params)).rows;
}

/** The advisory lock key as `pg_locks` shows it: `classid` (its high 32 bits) and `objid` (its low 32 bits). */
function lockIds(key: string): [classid: string, objid: string] {
  const unsigned = BigInt.asUintN(64, BigInt(key));
  return [(unsigned >> 32n).toString(), (unsigned & 0xffff_ffffn).toString()];
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Who holds the advisory lock `key` in this database, for {@link LockTimeoutError.holder}; `undefined` if nobody now. */
async function describeHolder(client: Client, key: string): Promise<string | undefined> {
  const [classid, objid] = lockIds(key);
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
