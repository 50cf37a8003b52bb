import { DatabaseError, redactSecrets } from '@cloudguard/migrate-core';

/** MariaDB's "Lock wait timeout exceeded" and "Deadlock found": the transaction may succeed if run again. */
const TRANSIENT_ERRNOS: ReadonlySet<number> = new Set([1205, 1213]);

/** MariaDB error 1146: the table does not exist. */
export const NO_SUCH_TABLE = 1146;

/** The server's error number of a driver error (mysql2's `errno`). */
export function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/** `ER_LOCK_WAIT_TIMEOUT` (1205, `innodb_lock_wait_timeout`) and `ER_LOCK_DEADLOCK` (1213). */
export function isTransientLockError(error: unknown): boolean {
  const errno = errnoOf(error);
  return errno !== undefined && TRANSIENT_ERRNOS.has(errno);
}

/**
 * Records on a driver error the statement that raised it, as `.sql`, which core's
 * runner names in its `MigrationFailedError`. mysql2 sets it on some errors, with the
 * parameters filled in; the statement as sent (with `?`) is what a reader can find
 * in the migration, so it wins.
 */
export function attachSql(error: unknown, sql: string): unknown {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, 'sql', { value: sql, enumerable: true, configurable: true, writable: true });
  }
  return error;
}

/**
 * A {@link DatabaseError} whose cause is a copy of `error` with the password removed
 * from its message: drivers sometimes echo connection settings.
 */
export function databaseError(operation: string, error: unknown, url: string, password: string | undefined): DatabaseError {
  const message = error instanceof Error ? error.message : String(error);
  let safe = redactSecrets(message, [url]);
  if (password) safe = safe.split(password).join('***');
  const cause = new Error(safe);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') Object.assign(cause, { code });
  return new DatabaseError(operation, { cause });
}
