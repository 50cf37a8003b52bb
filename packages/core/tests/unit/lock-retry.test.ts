import { describe, expect, it } from 'vitest';
import type { MigrationEvent } from '../../src/runtime/events.js';
import { LockRetry } from '../../src/runtime/lock-retry.js';
import type { TransactionGroupKind } from '../../src/runtime/transaction-groups.js';

class LockTimeout extends Error {
  readonly code = '55P03';
}

/** A LockRetry over `attempts` tries of 100 ms back-off, recording its warnings and waits. */
function lockRetry(attempts = 3) {
  const events: MigrationEvent[] = [];
  const waits: number[] = [];
  const retry = new LockRetry({
    policy: { attempts, backoffMs: 100 },
    isTransientLockError: (error) => error instanceof LockTimeout,
    sleep: async (ms) => {
      waits.push(ms);
    },
    onEvent: (event) => events.push(event),
    failedRevision: () => 'b2',
  });
  return { retry, events, waits };
}

/** A transaction that loses its lock wait `failures` times, then returns 'committed'. */
function losingTransaction(failures: number, error: () => Error = () => new LockTimeout('canceling statement due to lock timeout')) {
  const calls = { count: 0 };
  const transaction = async () => {
    if (++calls.count <= failures) throw error();
    return 'committed';
  };
  return { transaction, calls };
}

describe('LockRetry', () => {
  it('runs a transaction that lost a lock wait again, warning before each retry and doubling the wait', async () => {
    const { retry, events, waits } = lockRetry();
    const { transaction, calls } = losingTransaction(2);
    await expect(retry.run('run', transaction)).resolves.toBe('committed');
    expect(calls.count).toBe(3);
    expect(waits).toEqual([100, 200]);
    expect(events).toEqual([
      {
        type: 'warning',
        code: 'LOCK_RETRY',
        revision: 'b2',
        message:
          'Revision b2 could not take a lock in time (55P03: canceling statement due to lock timeout); ' +
          'its transaction was rolled back and runs again in 100 ms (attempt 2 of 3)',
      },
      expect.objectContaining({ code: 'LOCK_RETRY', message: expect.stringContaining('runs again in 200 ms (attempt 3 of 3)') }),
    ]);
  });

  it('throws the last failure once the attempts run out', async () => {
    const { retry, events } = lockRetry(2);
    const { transaction, calls } = losingTransaction(5);
    await expect(retry.run('migration', transaction)).rejects.toBeInstanceOf(LockTimeout);
    expect(calls.count).toBe(2);
    expect(events).toHaveLength(1);
  });

  it('runs a group that does not roll back once: without transactional DDL, or outside a transaction', async () => {
    for (const kind of ['step', 'none'] satisfies TransactionGroupKind[]) {
      const { retry, events } = lockRetry();
      const { transaction, calls } = losingTransaction(1);
      await expect(retry.run(kind, transaction)).rejects.toBeInstanceOf(LockTimeout);
      expect(calls.count).toBe(1);
      expect(events).toEqual([]);
    }
  });

  it('does not retry a failure that is not a lost lock wait', async () => {
    const { retry, events } = lockRetry();
    const { transaction, calls } = losingTransaction(1, () => new Error('syntax error'));
    await expect(retry.run('run', transaction)).rejects.toThrow('syntax error');
    expect(calls.count).toBe(1);
    expect(events).toEqual([]);
  });
});
