import { setTimeout as sleep } from 'node:timers/promises';
import type { LockRetryPolicy } from '../config/lock-retry-policy.js';
import type { MigrationEventListener } from './events.js';
import { rollsBack, type TransactionGroupKind } from './transaction-groups.js';

/** What {@link LockRetry} needs. */
export interface LockRetryOptions {
  readonly policy: LockRetryPolicy;
  /** The adapter's `AdapterConnection.isTransientLockError`. */
  readonly isTransientLockError: (error: unknown) => boolean;
  readonly sleep: Sleep;
  readonly onEvent: MigrationEventListener | undefined;
  /** The revision of the step that was running when a transaction failed, for the warning. */
  readonly failedRevision: () => string | undefined;
}

/**
 * Runs a group's transaction again while it fails because it lost a wait for a lock (the
 * adapter's `isTransientLockError`, e.g. PostgreSQL's `lock_timeout`), up to
 * `policy.attempts` times in all, waiting {@link retryDelayMs} before each retry, with a
 * `LOCK_RETRY` warning event. Only that transaction runs again: what earlier ones
 * committed stays. A group that does not roll back whole (a `transactional: false`
 * migration, any step without transactional DDL; see `rollsBack`) runs once, since what
 * it did before failing may have committed.
 */
export class LockRetry {
  readonly #options: LockRetryOptions;

  constructor(options: LockRetryOptions) {
    this.#options = options;
  }

  /** Runs `transaction`, the work of a group of `kind`, again while it loses lock waits and tries remain. */
  async run<T>(kind: TransactionGroupKind, transaction: () => Promise<T>): Promise<T> {
    const { policy, onEvent } = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction();
      } catch (error) {
        if (attempt >= policy.attempts || !rollsBack(kind) || !this.#options.isTransientLockError(error)) throw error;
        const delay = retryDelayMs(policy, attempt);
        const revision = this.#options.failedRevision();
        onEvent?.({
          type: 'warning',
          code: 'LOCK_RETRY',
          revision,
          message:
            `${revision ? `Revision ${revision}` : 'A transaction'} could not take a lock in time (${describeError(error)}); ` +
            `its transaction was rolled back and runs again in ${delay} ms (attempt ${attempt + 1} of ${policy.attempts})`,
        });
        await this.#options.sleep(delay);
      }
    }
  }
}

/** The wait before retry number `retry` (1 for the first retry): `backoffMs × 2^(retry − 1)`. */
export function retryDelayMs(policy: LockRetryPolicy, retry: number): number {
  return policy.backoffMs * 2 ** Math.max(0, retry - 1);
}

/** Waits `ms` milliseconds; injectable so that tests need not wait. */
export type Sleep = (ms: number) => Promise<void>;

/** The real wait. */
export const realSleep: Sleep = async (ms) => {
  await sleep(ms);
};

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
