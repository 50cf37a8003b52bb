import { describe, expect } from 'vitest';

import type { ConformanceFixture } from './fixture.js';
import { rejection } from './probes.js';

/** What goes wrong, and how an adapter says so. */
export function errorChecks(fx: ConformanceFixture): void {
  describe('errors', () => {
    fx.check('errors.transient-lock', 'calls only lock failures transient: not a plain error, nor a failed statement', async () => {
      const connection = await fx.connect();
      expect(connection.isTransientLockError(new Error('x'))).toBe(false);
      expect(connection.isTransientLockError(undefined)).toBe(false);
      expect(connection.isTransientLockError('SQLITE_BUSY')).toBe(false);
      const failed = await rejection(connection.transaction((session) => session.execute(fx.failingStatement)));
      expect(connection.isTransientLockError(failed)).toBe(false);
    });

    fx.check('errors.close-twice', 'closes more than once, migrate and inspect connections alike', async () => {
      for (const purpose of ['migrate', 'inspect'] as const) {
        const connection = await fx.connect({ purpose });
        await connection.versionStore.read();
        await connection.close();
        await connection.close();
      }
      const locked = await fx.connect();
      await locked.acquireLock({ mode: 'fail' });
      await locked.close();
      await locked.close();
    });

    fx.check('errors.closed-refuses-work', 'refuses transactions and autocommit work on a closed connection with DATABASE_ERROR', async () => {
      for (const purpose of ['migrate', 'inspect'] as const) {
        const connection = await fx.connect({ purpose });
        await connection.close();
        await expect(connection.autocommit(async () => 1)).rejects.toMatchObject({ code: 'DATABASE_ERROR' });
        await expect(connection.transaction(async () => 1)).rejects.toMatchObject({ code: 'DATABASE_ERROR' });
      }
    });

    fx.check('errors.closed-refuses-lock', 'refuses the migration lock on a closed connection with DATABASE_ERROR', async () => {
      for (const purpose of ['migrate', 'inspect'] as const) {
        const connection = await fx.connect({ purpose });
        await connection.close();
        const error = await rejection(connection.acquireLock({ mode: 'fail' }).then(async (lock) => {
          await lock.release();
          return lock;
        }));
        expect(error).toMatchObject({ code: 'DATABASE_ERROR' });
      }
    });

    const { invalid, unreachable } = fx.options.badUrls ?? {};
    fx.check(
      'errors.invalid-url',
      'refuses a malformed URL with INVALID_URL',
      async () => {
        for (const purpose of ['migrate', 'inspect'] as const) {
          const error = await rejection(fx.adapter.connect(fx.connectOptions({ url: invalid!, purpose })));
          expect(error).toMatchObject({ code: 'INVALID_URL', url: expect.any(String), reason: expect.any(String) });
        }
      },
      !invalid && 'no badUrls.invalid given',
    );

    const unreachableCheck = (purpose: 'migrate' | 'inspect') => async () => {
      const password = passwordOf(unreachable!);
      const error = await rejection(
        fx.adapter.connect(fx.connectOptions({ url: unreachable!, purpose })).then(async (connection) => {
          await connection.close();
          return connection;
        }),
      );
      expect(error).toMatchObject({ code: 'DATABASE_ERROR', operation: expect.any(String) });
      if (password) {
        expect(String(error)).not.toContain(password);
        expect(JSON.stringify(error)).not.toContain(password);
        expect(String((error as Error).cause)).not.toContain(password);
      }
    };
    fx.check(
      'errors.unreachable',
      'fails to connect to an unreachable database with DATABASE_ERROR, never showing the password',
      unreachableCheck('migrate'),
      !unreachable && 'no badUrls.unreachable given',
    );
    fx.check(
      'errors.unreachable-inspect',
      'fails to open an inspect connection to an unreachable database with DATABASE_ERROR',
      unreachableCheck('inspect'),
      !unreachable && 'no badUrls.unreachable given',
    );
  });
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
