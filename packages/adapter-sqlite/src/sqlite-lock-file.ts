import { accessSync, constants, readFileSync, statSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';

import { LockUnavailableError } from '@cloudguard/migrate-core/adapter';

/**
 * Refuses a lock file this user cannot write, before SQLite opens it: SQLite would fall
 * back to read-only without a word, and `BEGIN EXCLUSIVE` on a read-only file then
 * succeeds for every runner, so the lock would exclude nobody. A lock file that does not
 * exist yet needs a directory this user can write.
 *
 * `access(2)` rather than opening the file: closing any descriptor of a file drops every
 * POSIX lock this process holds on it, including one that another connection of this
 * process holds through SQLite.
 *
 * @throws {LockUnavailableError} naming the file, its owner and mode, and this user.
 */
export function checkLockFileWritable(lockPath: string): void {
  let existing: Stats | undefined;
  try {
    existing = statSync(lockPath);
  } catch {
    existing = undefined; // created by SQLite below, if the directory allows it
  }
  const target = existing === undefined ? path.dirname(lockPath) : lockPath;
  try {
    accessSync(target, constants.W_OK);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // no directory: opening the database fails first, and says so
    if (code === 'EROFS') throw new LockUnavailableError(lockPath, 'it is on a read-only file system');
    if (existing !== undefined) {
      throw new LockUnavailableError(
        lockPath,
        `it is owned by ${describeOwner(existing)} with mode ${mode(existing)}, and this user, ${currentUser()}, cannot write it`,
      );
    }
    let directory: Stats | undefined;
    try {
      directory = statSync(target);
    } catch {
      directory = undefined;
    }
    const about = directory === undefined ? '' : ` (owned by ${describeOwner(directory)}, mode ${mode(directory)})`;
    throw new LockUnavailableError(lockPath, `it does not exist, and this user, ${currentUser()}, cannot create it in ${target}${about}`);
  }
}

/**
 * Whether SQLite's `error` means the file at the lock path cannot serve as a lock
 * file: it is not an SQLite database (`SQLITE_NOTADB`, `SQLITE_CORRUPT`), or cannot be
 * written after all (`SQLITE_READONLY`, `SQLITE_CANTOPEN`, `SQLITE_PERM`).
 */
export function isUnusableLockFile(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT|READONLY|CANTOPEN|PERM)/.test(code);
}

/** The {@link LockUnavailableError} for a file at the lock path that SQLite cannot use (see {@link isUnusableLockFile}). */
export function notALockFile(lockPath: string, error: unknown): LockUnavailableError {
  const code = String((error as { code?: unknown }).code);
  const message = error instanceof Error ? error.message : String(error);
  const reason = /^SQLITE_(NOTADB|CORRUPT)/.test(code)
    ? `it is not a cgmigrate lock file (SQLite: ${message}); remove it once no cgmigrate run is using the database`
    : `SQLite cannot open it for writing (${message})`;
  return new LockUnavailableError(lockPath, reason, { cause: error });
}

/** `root (uid 0)`; `uid 1001` when the user database does not name it. */
function describeOwner(stats: Stats): string {
  const name = userNameOf(stats.uid);
  return name === undefined ? `uid ${stats.uid}` : `${name} (uid ${stats.uid})`;
}

/** This process's user as `deploy (uid 1001)`. */
function currentUser(): string {
  const uid = process.getuid?.();
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = uid === undefined ? undefined : userNameOf(uid);
  }
  if (uid === undefined) return name ?? 'this user';
  return name === undefined ? `uid ${uid}` : `${name} (uid ${uid})`;
}

/** The name of `uid` in `/etc/passwd`; `undefined` when it is not there (or there is no such file). */
function userNameOf(uid: number): string | undefined {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id === String(uid)) return name;
  }
  return undefined;
}

function mode(stats: Stats): string {
  return `0${(stats.mode & 0o777).toString(8).padStart(3, '0')}`;
}
