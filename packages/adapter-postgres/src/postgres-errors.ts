import { hasErrorCode } from '@cloudguard/migrate-core/adapter';

/**
 * SQLSTATEs of a transaction that lost a wait for a lock and may succeed when run
 * again: `lock_not_available` (55P03, raised by `lock_timeout` and `NOWAIT`) and
 * `deadlock_detected` (40P01, whose victim is rolled back).
 */
const TRANSIENT_LOCK_CODES: ReadonlySet<string> = new Set(['55P03', '40P01']);

/**
 * Tells whether a pg error (or an error caused by one) means the transaction lost a
 * lock wait; core's runner then retries the transaction.
 *
 * ### Examples
 * ```ts
 * isTransientLockError(Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' })) // true
 * ```
 */
export function isTransientLockError(error: unknown): boolean {
  return hasErrorCode(error, (code) => TRANSIENT_LOCK_CODES.has(String(code)));
}
