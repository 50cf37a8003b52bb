import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  DatabaseError,
  LockLostError,
  LockTimeoutError,
  lockWaitedMs,
  type LockHolderListener,
  type LockWait,
  type MigrationLock,
} from '@cloudguard/migrate-core/adapter';
import type BetterSqlite3 from 'better-sqlite3';

import { checkLockFileWritable, isUnusableLockFile, notALockFile } from './sqlite-lock-file.js';

/** Appended to the database path to name the lock file. */
export const LOCK_FILE_SUFFIX = '.cgmigrate-lock';

/** Appended to the lock file's path to name the note saying who holds the lock. */
export const HOLDER_FILE_SUFFIX = '.holder';

/** How often a waiting runner retries; SQLite offers no wake-up on unlock. */
const POLL_INTERVAL_MS = 50;

/** How often a waiting runner reads the holder's note again, for its `onHeld` listener. */
const HOLDER_REFRESH_MS = 1000;

/** better-sqlite3's `Database` constructor. */
export type DatabaseConstructor = typeof BetterSqlite3;

/**
 * Takes the migration lock of the SQLite database at `databasePath`: an exclusive
 * transaction on a side file, `<databasePath>.cgmigrate-lock`, held on a connection
 * of its own.
 *
 * Why a side file: SQLite's locks are OS file locks, so the operating system drops
 * them when the holding process dies, even by `SIGKILL`, and nothing stale is left
 * to clean up. Taking them on the database file itself would also block this
 * process's own migration writes. The lock file's journal is kept in memory, so an
 * empty lock file is all that stays on disk.
 *
 * The holder also writes who it is (pid, host, user, since when) to
 * `<databasePath>.cgmigrate-lock.holder`, removed on release, so that a runner that
 * waits or times out can name it: SQLite's locks themselves say nothing about their
 * owner. A note left by a killed holder is ignored once its process is gone, and
 * removed by the next run (see {@link removeStaleHolderNote}).
 *
 * Waiting polls with a zero busy timeout rather than using SQLite's busy handler:
 * better-sqlite3 is synchronous, and a busy wait would freeze the event loop (and
 * signal handling) for the whole timeout.
 *
 * The lock is only as good as the lock file is writable: SQLite opens a file it cannot
 * write read-only without a word, and an exclusive transaction on a read-only file
 * excludes nobody. So a lock file (or, for a new one, a directory) that this user cannot
 * write is refused before SQLite opens it (see `checkLockFileWritable`), and so is a
 * file there that SQLite cannot use, such as one that is not an SQLite database (see
 * `isUnusableLockFile`); neither is removed. {@link MigrationLock.verify} confirms that the
 * lock's connection is still in its transaction and that the lock file is still the one
 * locked (not removed or replaced, which would let another runner lock a new file).
 *
 * ### Examples
 * ```ts
 * const lock = await acquireSqliteLock(Database, '/srv/app.db', { mode: 'wait', timeoutMs: 10_000 });
 * try { … } finally { await lock.release(); }
 * ```
 *
 * While it waits, `onHeld` is told the holder read from its note: at every busy attempt
 * until the note names someone, then about once a second.
 *
 * @throws {LockTimeoutError} when another connection holds the lock past the wait
 *   (at once in `fail` mode); its `holder` is read from the holder's note.
 * @throws {LockUnavailableError} when this user cannot write the lock file (or create
 *   it), or the file there is not an SQLite database: the lock cannot be taken at all.
 * @throws {DatabaseError} when the lock file cannot be opened for another reason.
 */
export async function acquireSqliteLock(
  Database: DatabaseConstructor,
  databasePath: string,
  wait: LockWait,
  onHeld?: LockHolderListener,
): Promise<MigrationLock> {
  const lockPath = `${databasePath}${LOCK_FILE_SUFFIX}`;
  const holderPath = `${lockPath}${HOLDER_FILE_SUFFIX}`;
  checkLockFileWritable(lockPath);
  let lockDb: BetterSqlite3.Database;
  try {
    lockDb = new Database(lockPath, { timeout: 0 });
  } catch (error) {
    if (isUnusableLockFile(error)) throw notALockFile(lockPath, error);
    throw new DatabaseError(`Opening the migration lock file ${lockPath}`, { cause: error });
  }

  const started = performance.now();
  const limitMs = wait.mode === 'wait' ? Math.max(0, wait.timeoutMs) : 0;
  let journalInMemory = false;
  let holder: string | undefined;
  let holderReadAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    try {
      if (!journalInMemory) {
        lockDb.exec('PRAGMA journal_mode = MEMORY');
        journalInMemory = true;
      }
      lockDb.exec('BEGIN EXCLUSIVE');
      writeHolder(holderPath);
      return new SqliteLock(lockDb, lockPath, holderPath);
    } catch (error) {
      const waited = performance.now() - started;
      if (!isBusy(error) || waited >= limitMs) {
        lockDb.close();
        if (isUnusableLockFile(error)) throw notALockFile(lockPath, error);
        if (!isBusy(error)) throw new DatabaseError(`Taking the migration lock on ${lockPath}`, { cause: error });
        throw new LockTimeoutError(lockWaitedMs(wait, waited), describeHolder(holderPath));
      }
      // Until the note names someone (a new holder writes it just after taking the lock), at every attempt.
      if (onHeld !== undefined && (holder === undefined || performance.now() - holderReadAt >= HOLDER_REFRESH_MS)) {
        holderReadAt = performance.now();
        holder = describeHolder(holderPath);
        onHeld(holder);
      }
      await sleep(Math.min(POLL_INTERVAL_MS, limitMs - waited));
    }
  }
}

/**
 * Removes the holder's note that a holder killed without releasing (`SIGKILL`, a crash)
 * left beside the database: one that names a process of this host that is gone, or
 * that cannot be read. The note is not removed directly, which could remove the note
 * of a runner that took the lock meanwhile: the lock is taken without waiting and
 * released, which writes this process's note and removes it. A lock someone holds, or
 * one this user cannot take, leaves everything as it is. The lock file itself stays:
 * see `docs/architecture.md`, "Safe deploys". Never throws.
 *
 * ### Examples
 * ```ts
 * await removeStaleHolderNote(Database, '/srv/app.db'); // when a connection closes
 * ```
 */
export async function removeStaleHolderNote(Database: DatabaseConstructor, databasePath: string): Promise<void> {
  const lockPath = `${databasePath}${LOCK_FILE_SUFFIX}`;
  const holderPath = `${lockPath}${HOLDER_FILE_SUFFIX}`;
  // One stat for a run that finds nothing to clean, the usual case.
  if (!existsSync(holderPath) || !existsSync(lockPath) || describeHolder(holderPath) !== undefined) return;
  try {
    const lock = await acquireSqliteLock(Database, databasePath, { mode: 'fail' });
    await lock.release();
  } catch {
    // held by another runner (whose note replaces this one), or not this user's to take
  }
}

/** A lock that needs none: nobody else can reach a private in-memory database. */
export const NO_LOCK: MigrationLock = { release: async () => {} };

class SqliteLock implements MigrationLock {
  #db: BetterSqlite3.Database | undefined;
  readonly #lockPath: string;
  readonly #holderPath: string;
  /**
   * The identity of the file at the lock path once the lock was taken, to tell it from a
   * file put in its place; `undefined` when there was none by then (a run removed it
   * meanwhile), so that {@link verify} fails, as the lock then excludes nobody.
   */
  readonly #file: FileIdentity | undefined;

  constructor(db: BetterSqlite3.Database, lockPath: string, holderPath: string) {
    this.#db = db;
    this.#lockPath = lockPath;
    this.#holderPath = holderPath;
    this.#file = fileIdentity(lockPath);
  }

  /**
   * Confirms that the lock's connection is open and in its exclusive transaction, and
   * that `<database>.cgmigrate-lock` is still the file it locked: one that was removed
   * or replaced lets the next runner lock a new file beside this one.
   *
   * @throws {LockLostError} otherwise.
   */
  async verify(): Promise<void> {
    const db = this.#db;
    if (db === undefined) throw new LockLostError('the lock was released before the run ended');
    if (!db.open || !db.inTransaction) {
      throw new LockLostError(`the connection holding ${this.#lockPath} is no longer in its exclusive transaction`);
    }
    const current = fileIdentity(this.#lockPath);
    if (current === undefined || current.dev !== this.#file?.dev || current.ino !== this.#file.ino) {
      throw new LockLostError(
        `the lock file ${this.#lockPath} was ${current === undefined ? 'removed' : 'replaced by another file'} while this run held it, ` +
          'so another run may have locked a new one',
      );
    }
  }

  async release(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db === undefined) return;
    // Removed while the lock is still held, so that it never deletes the next holder's note.
    rmSync(this.#holderPath, { force: true });
    try {
      if (db.inTransaction) db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  }
}

/** Which file a path names: its device and inode, which no other file shares while it exists. */
interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
}

/** The file `path` names, or `undefined` when there is none (or it cannot be examined). */
function fileIdentity(path: string): FileIdentity | undefined {
  try {
    const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
    return stats === undefined ? undefined : { dev: stats.dev, ino: stats.ino };
  } catch {
    return undefined;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

interface HolderNote {
  readonly pid: number;
  readonly host: string;
  readonly user: string | undefined;
  readonly since: string;
}

/** Best effort: a holder that cannot write its note still holds the lock. */
function writeHolder(file: string): void {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = process.env['USER'];
  }
  const note: HolderNote = { pid: process.pid, host: hostname(), user, since: new Date().toISOString() };
  try {
    writeFileSync(file, `${JSON.stringify(note)}\n`);
  } catch {
    // read-only directory next to a writable database: the lock works, it only goes unnamed
  }
}

/** The holder's note as `pid 1234 on host (user deploy), holding it since …`; `undefined` when absent or stale. */
function describeHolder(file: string): string | undefined {
  let note: HolderNote;
  try {
    note = JSON.parse(readFileSync(file, 'utf8')) as HolderNote;
  } catch {
    return undefined;
  }
  if (typeof note.pid !== 'number') return undefined;
  if (note.host === hostname() && !isAlive(note.pid)) return undefined;
  const user = note.user ? ` (user ${note.user})` : '';
  return `pid ${note.pid} on ${note.host}${user}, holding it since ${note.since}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
