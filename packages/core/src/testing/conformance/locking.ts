import type { ChildProcess } from 'node:child_process';

import { describe, expect } from 'vitest';

import type { LockTimeoutError } from '../../errors.js';
import type { ConformanceFixture } from './fixture.js';
import { rejection } from './probes.js';

/** What a {@link LockTimeoutError} must say: its code, how long it waited, maybe who holds the lock. */
function expectLockTimeout(error: unknown): LockTimeoutError {
  expect(error).toMatchObject({ code: 'LOCK_TIMEOUT', waitedMs: expect.any(Number) });
  const holder = (error as LockTimeoutError).holder;
  if (holder !== undefined) expect(holder).toEqual(expect.any(String));
  return error as LockTimeoutError;
}

/** The migration lock: one runner per database at a time. */
export function lockingChecks(fx: ConformanceFixture): void {
  describe('locking', () => {
    fx.check('locking.exclusive', 'keeps a second connection out until the first releases; release() twice is safe', async () => {
      const first = await fx.connect();
      const second = await fx.connect();
      const held = await first.acquireLock({ mode: 'fail' });

      const started = performance.now();
      const error = expectLockTimeout(await rejection(second.acquireLock({ mode: 'fail' })));
      // `fail` mode makes one attempt and does not wait (see lockWaitedMs).
      expect(error.waitedMs).toBe(0);
      expect(performance.now() - started).toBeLessThan(5000);

      await held.release();
      await held.release();
      const taken = await second.acquireLock({ mode: 'fail' });
      expectLockTimeout(await rejection(first.acquireLock({ mode: 'fail' })));
      await taken.release();
      await taken.release();
      const again = await first.acquireLock({ mode: 'fail' });
      await again.release();
    });

    fx.check('locking.holder-writes', "does not block the holder's own transactions", async () => {
      const connection = await fx.connect();
      const lock = await connection.acquireLock({ mode: 'fail' });
      try {
        await connection.transaction(async (session) => {
          await connection.versionStore.ensure(session);
          await connection.versionStore.insert(session, 'a1');
          await connection.auditStore.ensure(session);
        });
        await connection.autocommit((session) => connection.versionStore.update(session, 'a1', 'b2'));
        expect(await connection.versionStore.read()).toEqual(['b2']);
      } finally {
        await lock.release();
      }
    });

    fx.check('locking.wait-acquires', "waits ({ mode: 'wait' }) and takes the lock once the holder releases it", async () => {
      const first = await fx.connect();
      const second = await fx.connect();
      const held = await first.acquireLock({ mode: 'fail' });
      const releasing = new Promise<void>((resolve, reject) => {
        setTimeout(() => held.release().then(resolve, reject), 300);
      });
      const started = performance.now();
      const taken = await second.acquireLock({ mode: 'wait', timeoutMs: fx.lockWaitMs });
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      await releasing;
      await taken.release();
    });

    fx.check('locking.wait-timeout', "gives up a wait ({ mode: 'wait' }) with LOCK_TIMEOUT once timeoutMs has passed", async () => {
      const first = await fx.connect();
      const second = await fx.connect();
      const held = await first.acquireLock({ mode: 'fail' });
      try {
        const started = performance.now();
        const error = expectLockTimeout(await rejection(second.acquireLock({ mode: 'wait', timeoutMs: 300 })));
        const elapsed = performance.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(250);
        expect(elapsed).toBeLessThan(300 + 5000);
        expect(error.waitedMs).toBeGreaterThanOrEqual(250);
      } finally {
        await held.release();
      }
    });

    fx.check(
      'locking.verify',
      "verify(), when the lock has it, passes in the holder's transaction and autocommit sessions, and throws LOCK_LOST once released",
      async () => {
        const connection = await fx.connect();
        const lock = await connection.acquireLock({ mode: 'fail' });
        // verify is optional in the contract: a lock that cannot be lost while its process lives may omit it.
        if (lock.verify === undefined) return lock.release();
        const verify = lock.verify.bind(lock);
        try {
          await connection.transaction((session) => verify(session));
          await connection.autocommit((session) => verify(session));
        } finally {
          await lock.release();
        }
        // A released lock is not held: the runner must not commit on its strength.
        const error = await rejection(connection.transaction((session) => verify(session)));
        expect(error).toMatchObject({ code: 'LOCK_LOST' });
      },
    );

    const spawnHolder = fx.options.crossProcessLock?.spawnHolder;
    fx.check(
      'locking.cross-process',
      'is held against another process, and freed when that process is killed with SIGKILL',
      async () => {
        const child = await spawnHolder!(fx.connectOptions());
        fx.onCleanup(() => kill(child));
        const connection = await fx.connect();
        expectLockTimeout(await rejection(connection.acquireLock({ mode: 'fail' })));

        await kill(child);
        const lock = await connection.acquireLock({ mode: 'wait', timeoutMs: fx.lockWaitMs });
        await lock.release();
      },
      !spawnHolder && 'no crossProcessLock.spawnHolder given',
    );
  });
}

/** Kills `child` with SIGKILL and waits for it to exit. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
