import { hasErrorCode } from '@cloudguard/migrate-core/adapter';

/** MariaDB's "Lock wait timeout exceeded" and "Deadlock found": the transaction may succeed if run again. */
const TRANSIENT_ERRNOS: ReadonlySet<unknown> = new Set([1205, 1213]);

/** `ER_LOCK_WAIT_TIMEOUT` (1205, `innodb_lock_wait_timeout`) and `ER_LOCK_DEADLOCK` (1213), as mysql2's `errno`. */
export function isTransientLockError(error: unknown): boolean {
  return hasErrorCode(error, (errno) => TRANSIENT_ERRNOS.has(errno), 'errno');
}
