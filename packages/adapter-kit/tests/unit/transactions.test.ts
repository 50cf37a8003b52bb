import { isMigrateError, type Session } from '@cloudguard/migrate-core/adapter';
import { describe, expect, it } from 'vitest';

import { closedConnectionError, DriverSession, nativeTransaction } from '../../src/index.js';

/** A session that records its statements and fails the ones `fails` matches. */
function recordingSession(fails: RegExp = /^$/): { session: Session; statements: string[] } {
  const statements: string[] = [];
  const run = (sql: string): unknown[] => {
    statements.push(sql);
    if (fails.test(sql)) throw Object.assign(new Error(`${sql} failed`), { code: 'E_TEST' });
    return [];
  };
  const session = new DriverSession({
    db: null,
    connection: null,
    inTransaction: true,
    runner: { execute: (sql) => void run(sql), query: run },
    insertRows: async () => {},
  });
  return { session, statements };
}

describe('nativeTransaction', () => {
  it('commits work that resolves', async () => {
    const { session, statements } = recordingSession();
    expect(await nativeTransaction(session, async (own) => (await own.execute('SELECT 1'), 'done'))).toBe('done');
    expect(statements).toEqual(['BEGIN', 'SELECT 1', 'COMMIT']);
  });

  it("rolls back work that throws and reports the work's error, not the rollback's", async () => {
    const { session, statements } = recordingSession(/^(ROLLBACK|SELECT 2)$/);
    await expect(nativeTransaction(session, (own) => own.execute('SELECT 2'))).rejects.toThrow('SELECT 2 failed');
    expect(statements).toEqual(['BEGIN', 'SELECT 2', 'ROLLBACK']);
  });

  it('sends no ROLLBACK when the database already ended the transaction', async () => {
    const { session, statements } = recordingSession(/^SELECT 3$/);
    await expect(nativeTransaction(session, (own) => own.execute('SELECT 3'), () => false)).rejects.toThrow('SELECT 3 failed');
    expect(statements).toEqual(['BEGIN', 'SELECT 3']);
  });

  it('fails with DATABASE_ERROR when BEGIN fails, and runs nothing', async () => {
    const { session, statements } = recordingSession(/^BEGIN$/);
    const error = await nativeTransaction(session, (own) => own.execute('SELECT 4')).catch((caught: unknown) => caught);
    expect(isMigrateError(error) && error.code).toBe('DATABASE_ERROR');
    expect(statements).toEqual(['BEGIN']);
  });
});

describe('closedConnectionError', () => {
  it('names the database and says the connection is closed', () => {
    const error = closedConnectionError('PostgreSQL');
    expect(error.code).toBe('DATABASE_ERROR');
    expect(error.message).toContain('Using the PostgreSQL connection');
    expect(String((error.cause as Error).message)).toBe('the connection is closed');
  });
});
