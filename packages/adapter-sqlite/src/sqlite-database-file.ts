import { closeSync, constants, fstatSync, openSync, rmSync, statSync, unlinkSync, type BigIntStats } from 'node:fs';

import { DatabaseError, type LockHolderListener, type LockWait, type MigrationLock } from '@cloudguard/migrate-core/adapter';

import { acquireSqliteLock, LOCK_FILE_SUFFIX, type DatabaseConstructor } from './sqlite-lock.js';

/** Which file a path named: its device and inode, which no other file shares while this one exists. */
interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
}

/** What SQLite adds next to a database: its rollback journal, or its write-ahead log and shared memory. */
const SIDE_FILE_SUFFIXES = ['-journal', '-wal', '-shm'] as const;

/**
 * The database file a `migrate` connection opened, and whether this connection created it.
 *
 * SQLite creates a missing database file as it opens it; a run that then fails (its
 * first migration, the lock, the version table) would leave an empty file behind,
 * and the next `current` would read it as a real, empty database. So a missing file is
 * created here, with `O_EXCL`, which tells apart a file this run made from one that
 * existed (or that another process made meanwhile); when the connection closes,
 * {@link removeIfNothingCommitted} removes it again if nothing was committed to it.
 *
 * Removing a file another process may have opened is only safe if that process notices:
 * every transaction first checks that the path still names the file the connection
 * opened ({@link assertOnDisk}), and the removal happens under the migration lock, which
 * every writer holds from before that check to its commit.
 */
export class SqliteDatabaseFile {
  private constructor(
    /** The database file (absolute). */
    readonly path: string,
    /** The file the path named when it was opened; `undefined` when it could not be known (SQLite then reports why). */
    readonly identity: FileIdentity | undefined,
    /** This connection created the file. */
    readonly created: boolean,
    /** The lock file existed when the database file was created. */
    readonly lockFileExisted: boolean,
  ) {}

  /**
   * Notes which file `path` names before SQLite opens it, creating it (empty, which
   * SQLite reads as a new database) when it does not exist.
   */
  static prepare(path: string): SqliteDatabaseFile {
    const existing = identityOf(path);
    if (existing !== undefined) return new SqliteDatabaseFile(path, existing, false, true);
    let fd: number;
    try {
      // 0644, as SQLite creates database files.
      fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR, 0o644);
    } catch {
      // Created by another process just now (EEXIST), or a folder that is missing or not
      // writable: SQLite opens the file or says why it cannot.
      return new SqliteDatabaseFile(path, identityOf(path), false, true);
    }
    try {
      const stats = fstatSync(fd, { bigint: true });
      return new SqliteDatabaseFile(path, { dev: stats.dev, ino: stats.ino }, true, identityOf(lockPathOf(path)) !== undefined);
    } finally {
      closeSync(fd);
    }
  }

  /** Whether the path still names the file that was opened. */
  isOnDisk(): boolean {
    if (this.identity === undefined) return true;
    const now = identityOf(this.path);
    return now !== undefined && now.dev === this.identity.dev && now.ino === this.identity.ino;
  }

  /**
   * @throws {DatabaseError} when the file was removed or replaced since it was opened:
   *   what would be written to it would be lost.
   */
  assertOnDisk(): void {
    if (this.isOnDisk()) return;
    throw new DatabaseError(`Using the SQLite database ${this.path}`, {
      cause: new Error(
        'the file was removed or replaced by another process after this run opened it (a run that created it and ' +
          'failed removes it); nothing was written to it: run the command again',
      ),
    });
  }

  /**
   * When this connection created the file and nothing was committed to it (no table,
   * index, view or trigger, `user_version` and `application_id` still 0), removes it,
   * with SQLite's journal files and the lock file if this run created that too. It
   * happens under the migration lock, taken without waiting: a file another runner is
   * using stays. Called once the connection is closed; never throws (a file that
   * cannot be removed stays).
   */
  async removeIfNothingCommitted(Database: DatabaseConstructor): Promise<void> {
    // Checked before taking the lock too, so that a run that committed something takes no lock to close.
    if (!this.created || !this.isOnDisk() || !isEmptyDatabase(Database, this.path)) return;
    let lock: MigrationLock;
    try {
      lock = await acquireLockOnDisk(Database, this.path, { mode: 'fail' });
    } catch {
      return; // another runner holds the lock, so the file is in use
    }
    try {
      if (!this.isOnDisk() || !isEmptyDatabase(Database, this.path)) return;
      // The database before the lock file, one right after the other: a runner that opened
      // the database before this point finds it gone at its next transaction.
      unlinkSync(this.path);
      for (const suffix of SIDE_FILE_SUFFIXES) rmSync(`${this.path}${suffix}`, { force: true });
      if (!this.lockFileExisted) rmSync(lockPathOf(this.path), { force: true });
    } catch {
      // left in place: removing is a courtesy, the run's outcome is already decided
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
}

/**
 * Takes the migration lock and makes sure it is held on the lock file that is on disk,
 * not on one a run removed (see {@link SqliteDatabaseFile.removeIfNothingCommitted})
 * while this one waited for it: that lock would exclude nobody. The lock file is
 * named by its inode before and after it is taken; when they differ, or when the file
 * did not exist before (so the one locked cannot be told from a later one), the lock
 * is released and taken again.
 */
export async function acquireLockOnDisk(
  Database: DatabaseConstructor,
  databasePath: string,
  wait: LockWait,
  onHeld?: LockHolderListener,
): Promise<MigrationLock> {
  const lockPath = lockPathOf(databasePath);
  for (let attempt = 1; ; attempt++) {
    const before = identityOf(lockPath);
    const lock = await acquireSqliteLock(Database, databasePath, wait, onHeld);
    const after = identityOf(lockPath);
    if (before !== undefined && after !== undefined && before.dev === after.dev && before.ino === after.ino) return lock;
    await lock.release();
    if (attempt === MAX_LOCK_ATTEMPTS) {
      throw new DatabaseError(`Taking the migration lock on ${lockPath}`, {
        cause: new Error('the lock file was replaced each time the lock was taken, or it cannot be examined'),
      });
    }
  }
}

/** Takes of the lock before {@link acquireLockOnDisk} gives up: one replacement is rare, ten in a row is a fault. */
const MAX_LOCK_ATTEMPTS = 10;

function lockPathOf(databasePath: string): string {
  return `${databasePath}${LOCK_FILE_SUFFIX}`;
}

function identityOf(path: string): FileIdentity | undefined {
  let stats: BigIntStats | undefined;
  try {
    stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  return stats === undefined ? undefined : { dev: stats.dev, ino: stats.ino };
}

/** Nothing in the schema and no header field a migration could have set; a file that cannot be read is not empty. */
function isEmptyDatabase(Database: DatabaseConstructor, path: string): boolean {
  let database;
  try {
    database = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return false;
  }
  try {
    const [row] = database
      .prepare(
        'SELECT (SELECT count(*) FROM sqlite_schema) AS objects, (SELECT user_version FROM pragma_user_version) AS userVersion, ' +
          '(SELECT application_id FROM pragma_application_id) AS applicationId',
      )
      .all([]) as { objects: number; userVersion: number; applicationId: number }[];
    return row !== undefined && row.objects === 0 && row.userVersion === 0 && row.applicationId === 0;
  } catch {
    return false;
  } finally {
    database.close();
  }
}
