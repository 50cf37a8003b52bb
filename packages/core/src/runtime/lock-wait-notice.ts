import type { AdapterConnection, LockWait, MigrationLock } from '../adapter/dialect-adapter.js';
import type { MigrationEventListener } from './events.js';

/** How long a wait for the lock lasts before it is reported: a lock that frees sooner shows nothing. */
export const LOCK_WAIT_NOTICE_MS = 1000;

/** The clock of {@link acquireLockReportingWait}; real timers unless a test gives its own. */
export interface NoticeClock {
  /** Milliseconds since some fixed point. */
  now(): number;
  /** Calls `fire` once after `ms`; returns what cancels it. */
  after(ms: number, fire: () => void): () => void;
}

const realClock: NoticeClock = {
  now: () => performance.now(),
  after: (ms, fire) => {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * Takes the migration lock as `connection.acquireLock(wait)` does, and tells `onEvent`
 * when the wait lasts: a `lock-wait` event after {@link LOCK_WAIT_NOTICE_MS} with the
 * holder the adapter reported (again whenever it reports another one), and a
 * `lock-acquired` event when the lock is then taken. A lock taken sooner, `fail` mode and
 * a run nobody listens to send nothing.
 *
 * The adapter only says who holds the lock (its optional `onHeld` listener); when to
 * speak is decided here, so that every adapter's wait reads alike, and one that never
 * calls `onHeld` is reported without a holder.
 *
 * ### Examples
 * ```ts
 * const lock = await acquireLockReportingWait(connection, { mode: 'wait', timeoutMs: 300_000 }, env.onEvent);
 * ```
 *
 * @throws whatever `acquireLock` throws ({@link LockTimeoutError} when the wait runs out).
 */
export async function acquireLockReportingWait(
  connection: AdapterConnection,
  wait: LockWait,
  onEvent: MigrationEventListener | undefined,
  clock: NoticeClock = realClock,
): Promise<MigrationLock> {
  if (onEvent === undefined || wait.mode === 'fail') return connection.acquireLock(wait);
  const startedAt = clock.now();
  let holder: string | undefined;
  let reported = false;
  const report = () => {
    reported = true;
    onEvent({ type: 'lock-wait', holder, waitedMs: Math.round(clock.now() - startedAt), timeoutMs: wait.timeoutMs });
  };
  const cancel = clock.after(LOCK_WAIT_NOTICE_MS, report);
  let lock: MigrationLock;
  try {
    lock = await connection.acquireLock(wait, (current) => {
      if (current === holder) return;
      holder = current;
      if (reported) report();
    });
  } finally {
    cancel();
  }
  if (reported) onEvent({ type: 'lock-acquired', waitedMs: Math.round(clock.now() - startedAt) });
  return lock;
}
