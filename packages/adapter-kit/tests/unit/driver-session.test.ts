import { describe, expect, it } from 'vitest';

import { DriverSession, fillColumns, rowChunks, rowsPerStatement } from '../../src/index.js';

describe('rowChunks', () => {
  it('keeps each statement under the parameter limit, counting every column any row has', () => {
    const rows = Array.from({ length: 7 }, (_, id) => (id === 3 ? { id, label: 'x', extra: true } : { id, label: 'x' }));
    expect(rowsPerStatement(rows, 9)).toBe(3);
    expect(rowChunks(rows, 9).map((chunk) => chunk.length)).toEqual([3, 3, 1]);
  });

  it('gives no chunk for no rows, and one row per statement when a row alone is over the limit', () => {
    expect(rowChunks([], 100)).toEqual([]);
    expect(rowChunks([{ a: 1, b: 2, c: 3 }, { a: 4 }], 2).map((chunk) => chunk.length)).toEqual([1, 1]);
  });
});

describe('fillColumns', () => {
  it('gives every row every column of the batch, each value prepared (a missing one as prepare(undefined))', () => {
    const prepare = (value: unknown) => (value === undefined ? null : typeof value === 'boolean' ? Number(value) : value);
    expect(fillColumns([{ a: true }, { b: 'x' }], prepare)).toEqual([
      { a: 1, b: null },
      { a: null, b: 'x' },
    ]);
  });
});

describe('DriverSession', () => {
  it('runs execute and query through its runner, and bulkInsert through its inserter', async () => {
    const seen: string[] = [];
    const session = new DriverSession({
      db: null,
      connection: 'the driver',
      inTransaction: true,
      runner: {
        execute: (sql, params) => void seen.push(`execute ${sql} ${JSON.stringify(params)}`),
        query: (sql) => [{ sql }],
      },
      insertRows: async (table, rows) => void seen.push(`insert ${table} ${rows.length}`),
    });
    await session.execute('DELETE FROM t WHERE id = ?', [1]);
    expect(await session.query('SELECT 1')).toEqual([{ sql: 'SELECT 1' }]);
    await session.bulkInsert('t', [{ id: 1 }, { id: 2 }]);
    expect(seen).toEqual(['execute DELETE FROM t WHERE id = ? [1]', 'insert t 2']);
    expect(session).toMatchObject({ connection: 'the driver', inTransaction: true, db: null });
  });
});
