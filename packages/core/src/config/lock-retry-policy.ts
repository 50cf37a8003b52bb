/**
 * How often a transaction that lost a wait for a table lock is run again (see
 * {@link AdapterConnection.isTransientLockError}): PostgreSQL's `lock_timeout` makes a
 * migration's `ALTER TABLE` fail fast instead of queuing behind a long query (and
 * holding up every query queued behind it); retrying a little later usually finds the
 * table free.
 *
 * Only the transaction that failed is run again: the whole run's, by default, or one
 * migration's with `transactionPerMigration`. A `transactional: false` migration is
 * never retried, since what it did before failing has already been committed.
 */
export interface LockRetryPolicy {
  /** How many times a transaction is tried in all; `1` never retries. A whole number, at least 1. */
  readonly attempts: number;
  /** The wait before the first retry, in milliseconds; it doubles before each later one. */
  readonly backoffMs: number;
}

/** Three tries, waiting 500 ms and then 1 s. */
export const DEFAULT_LOCK_RETRY: LockRetryPolicy = Object.freeze({ attempts: 3, backoffMs: 500 });

/**
 * Checks a `lockRetry` config value; returns what it must be when it is wrong, in
 * the words `validateConfig` uses (`'lockRetry' must be …`), else `undefined`.
 *
 * ### Examples
 * ```ts
 * checkLockRetry({ attempts: 3, backoffMs: 500 }) // undefined
 * checkLockRetry({ attempts: 0 })                 // 'an object { attempts: whole number ≥ 1, backoffMs: whole number ≥ 0 }'
 * ```
 */
export function checkLockRetry(value: unknown): string | undefined {
  const expected = 'an object { attempts: whole number ≥ 1, backoffMs: whole number ≥ 0 }, both optional';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return expected;
  const { attempts, backoffMs, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return expected;
  if (attempts !== undefined && !(Number.isInteger(attempts) && (attempts as number) >= 1)) return expected;
  if (backoffMs !== undefined && !(Number.isInteger(backoffMs) && (backoffMs as number) >= 0)) return expected;
  return undefined;
}

/**
 * A full policy from a partial one (a config's `lockRetry`), defaults filled in.
 *
 * ### Examples
 * ```ts
 * resolveLockRetry({ attempts: 5 }) // { attempts: 5, backoffMs: 500 }
 * resolveLockRetry(undefined)       // DEFAULT_LOCK_RETRY
 * ```
 */
export function resolveLockRetry(value: Partial<LockRetryPolicy> | undefined): LockRetryPolicy {
  if (value === undefined) return DEFAULT_LOCK_RETRY;
  return {
    attempts: value.attempts ?? DEFAULT_LOCK_RETRY.attempts,
    backoffMs: value.backoffMs ?? DEFAULT_LOCK_RETRY.backoffMs,
  };
}
