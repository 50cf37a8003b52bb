import { hasErrorCode } from '@cloudguard/migrate-core/adapter';
import type { TargetOutcome } from '@cloudguard/migrate-core';

/**
 * cgmigrate's codes of failures that say nothing about the target or the scripts, only
 * about the moment: the database could not be reached or answered with an error
 * (`DATABASE_ERROR`), another runner held the target's lock too long (`LOCK_TIMEOUT`),
 * the lock's session died (`LOCK_LOST`), the worker was stopped (`INTERRUPTED`), a worker
 * of another release took the job (`FLEET_SCRIPTS_MISMATCH`: one of the enqueuer's release
 * may take it next).
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['DATABASE_ERROR', 'LOCK_TIMEOUT', 'LOCK_LOST', 'INTERRUPTED', 'FLEET_SCRIPTS_MISMATCH']);

/**
 * Driver codes and SQLSTATEs of a connection that failed or was cut, a server starting
 * or shutting down, too many connections, and a transaction that lost a lock wait or a
 * serialization check: a later attempt may well succeed.
 */
const TRANSIENT_DRIVER_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '53300', '40001', '40P01', '55P03',
]);

function isTransientDriverCode(code: unknown): boolean {
  return typeof code === 'string' && (TRANSIENT_DRIVER_CODES.has(code) || code.startsWith('08'));
}

/**
 * Whether a target's attempt should go back to the queue for another one, or stand as
 * its result.
 *
 * Retried: an interrupted attempt (rolled back), one that never started because the
 * worker was stopping, and a failure with a transient code (see above), including a
 * `MIGRATION_FAILED` whose cause is a cut connection or a lost lock wait and whose
 * transaction was rolled back (a failure that left statements committed is not retried:
 * running the migration again on top of them needs a person).
 *
 * Not retried: what would fail the same way again, because it depends on the scripts and
 * the target, not the moment: a migration that raises (`MIGRATION_FAILED`), a revision
 * the target's version table names but the scripts lack (`REVISION_NOT_FOUND`), a target
 * this worker's source does not hold (`TARGET_UNKNOWN`), a `check` that found a problem.
 * Retrying those would only hold the queue (and `fleet work --until-empty`) through
 * every back-off before failing anyway; they are recorded as failed at once.
 *
 * ### Examples
 * ```ts
 * isTransientFailure(outcome, error) // true for { status: 'failed', error: { code: 'LOCK_TIMEOUT', … } }
 * ```
 */
export function isTransientFailure(outcome: TargetOutcome, error: unknown): boolean {
  switch (outcome.status) {
    case 'succeeded':
      return false;
    case 'interrupted':
    case 'skipped':
      return true;
    case 'failed': {
      const code = outcome.error?.code ?? '';
      if (TRANSIENT_CODES.has(code) || isTransientDriverCode(code)) return true;
      if (code === 'MIGRATION_FAILED') {
        const rolledBack = (error as { rolledBack?: unknown } | undefined)?.rolledBack === true;
        return rolledBack && hasErrorCode((error as { cause?: unknown } | undefined)?.cause, isTransientDriverCode);
      }
      return false;
    }
  }
}
