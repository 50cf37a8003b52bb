import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { LockLostError, LockTimeoutError, lockWaitedMs, type LockHolderListener, type LockWait, type MigrationLock } from '@cloudguard/migrate-core/adapter';

import type { MariaDbSession } from './mariadb-session.js';

/** How often a waiting runner asks again with `GET_LOCK(name, 0)`. */
const POLL_INTERVAL_MS = 100;

/** How often a waiting runner asks again who holds the lock, for its `onHeld` listener. */
const HOLDER_REFRESH_MS = 1000;

/** The lock connection's `wait_timeout`: a year, MariaDB's maximum on every platform. */
const LOCK_SESSION_WAIT_TIMEOUT_S = 31_536_000;

/**
 * The name of the migration lock of a version table: `cgmigrate_` and 40 hex digits of
 * a SHA-256 of `<database>.<table>`, so that it stays under MariaDB's 64-character
 * limit on lock names and is the same for every runner of the same database.
 */
export function lockName(database: string, table: string): string {
  return `cgmigrate_${createHash('sha256').update(`${database}.${table}`).digest('hex').slice(0, 40)}`;
}

/** A session that lives exactly as long as the lock, and its way out. */
export interface LockSession {
  readonly session: MariaDbSession;
  /** Ends the session (its server connection), which also frees any lock it still holds. */
  end(): Promise<void>;
}

/**
 * Takes the migration lock: `GET_LOCK(name, 0)` on a connection used for nothing else,
 * asked again every 100 ms until it is granted or the wait runs out. Polling instead
 * of `GET_LOCK(name, timeout)` keeps the wait in milliseconds and lets the holder be
 * named in the error. The server frees the lock when the holder's connection ends, so
 * a runner killed with `SIGKILL` never leaves it taken.
 *
 * The lock's connection is idle while the migrations run on another, so it first lifts
 * its own `wait_timeout` (the server would otherwise end it after the configured idle
 * time, a few minutes on some hosted servers, and free the lock), and
 * {@link MigrationLock.verify} asks it, before every commit and every
 * `transactional: false` migration, whether it still holds the lock. The lock is not
 * taken on the migrations' own connection, as the PostgreSQL adapter does: MikroORM's
 * pool may replace that connection between transactions, and MariaDB commits DDL by
 * itself anyway, so sharing it would buy little here.
 *
 * Takes ownership of `holder`: it is ended on every path that does not return a lock.
 *
 * @throws {LockTimeoutError} when another connection holds the lock past the wait (at
 *   once in `fail` mode); `holder` names it from `information_schema.PROCESSLIST`.
 */
export async function acquireMariaDbLock(
  holder: LockSession,
  name: string,
  wait: LockWait,
  onHeld?: LockHolderListener,
): Promise<MigrationLock> {
  try {
    await holder.session.execute(`SET SESSION wait_timeout = ${LOCK_SESSION_WAIT_TIMEOUT_S}`);
    const started = performance.now();
    const limitMs = wait.mode === 'wait' ? Math.max(0, wait.timeoutMs) : 0;
    let holderAskedAt = Number.NEGATIVE_INFINITY;
    for (;;) {
      const rows = await holder.session.query<{ locked: number | null; id: number }>(
        'SELECT GET_LOCK(?, 0) AS locked, CONNECTION_ID() AS id',
        [name],
      );
      if (Number(rows[0]?.locked) === 1) return new MariaDbLock(holder, name, Number(rows[0]!.id));
      const waited = performance.now() - started;
      if (waited >= limitMs) throw new LockTimeoutError(lockWaitedMs(wait, waited), await describeHolder(holder.session, name));
      if (onHeld !== undefined && performance.now() - holderAskedAt >= HOLDER_REFRESH_MS) {
        holderAskedAt = performance.now();
        onHeld(await describeHolder(holder.session, name));
      }
      await sleep(Math.min(POLL_INTERVAL_MS, limitMs - waited));
    }
  } catch (error) {
    await holder.end().catch(() => {});
    throw error;
  }
}

class MariaDbLock implements MigrationLock {
  #holder: LockSession | undefined;
  readonly #name: string;
  readonly #connectionId: number;

  constructor(holder: LockSession, name: string, connectionId: number) {
    this.#holder = holder;
    this.#name = name;
    this.#connectionId = connectionId;
  }

  /**
   * Asks the lock's connection whether it still holds the lock (`IS_USED_LOCK(name) =
   * CONNECTION_ID()`). The session passed in (the migrations' own) is not the one that
   * holds it, so it is not used.
   *
   * @throws {LockLostError} when the lock was released, its connection ended, or it no
   *   longer holds the lock.
   */
  async verify(): Promise<void> {
    const holder = this.#holder;
    if (holder === undefined) throw new LockLostError('the lock was released before the run ended');
    let rows: { held: number | null }[];
    try {
      rows = await holder.session.query<{ held: number | null }>('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS held', [this.#name]);
    } catch (error) {
      throw new LockLostError(
        `the lock's connection (${this.#connectionId}) has ended (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (Number(rows[0]?.held) !== 1) {
      throw new LockLostError(`the lock's connection (${this.#connectionId}) no longer holds it (RELEASE_LOCK or RELEASE_ALL_LOCKS)`);
    }
  }

  /** Ending the connection frees the lock by itself, so a failed `RELEASE_LOCK` (a dropped connection) is not an error. */
  async release(): Promise<void> {
    const holder = this.#holder;
    this.#holder = undefined;
    if (holder === undefined) return;
    try {
      await holder.session.execute('DO RELEASE_LOCK(?)', [this.#name]);
    } catch {
      // the connection is gone: the server has freed the lock
    } finally {
      await holder.end().catch(() => {});
    }
  }
}

async function describeHolder(session: MariaDbSession, name: string): Promise<string | undefined> {
  const rows = await session.query<HolderRow>(
    'SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.TIME AS seconds, p.STATE AS state ' +
      'FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)',
    [name],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const parts = [`connection ${row.id}`];
  if (row.user) parts.push(`user ${row.user}`);
  if (row.host) parts.push(`client ${row.host}`);
  parts.push(`in its current state for ${row.seconds} s${row.state ? ` (${row.state})` : ''}`);
  return parts.join(', ');
}

type HolderRow = {
  readonly id: number;
  readonly user: string | null;
  readonly host: string | null;
  readonly seconds: number;
  readonly state: string | null;
};
