import { describe, expect } from 'vitest';

import type { ConformanceFixture } from './fixture.js';
import { countIn, countRows } from './probes.js';

const TABLE = 'cgm_conformance_rows';

/** A {@link Session}'s `execute`, `query` and `bulkInsert`, on a SQL engine. */
export function sessionChecks(fx: ConformanceFixture): void {
  describe('sessions', () => {
    fx.check(
      'sessions.execute-query',
      'binds ? parameters and returns rows as plain objects',
      async () => {
        const sql = fx.sql!;
        const connection = await fx.connect();
        const rows = await connection.transaction(async (session) => {
          await session.execute(sql.createTable(TABLE));
          await session.execute(sql.insertRow(TABLE), [1, "it's ?"]);
          await session.execute(sql.insertRow(TABLE), [2, 'two']);
          return session.query<{ id: unknown; label: unknown }>(sql.selectRows(TABLE), [1]);
        });
        expect(rows.map((row) => ({ id: Number(row.id), label: row.label }))).toEqual([
          { id: 1, label: "it's ?" },
          { id: 2, label: 'two' },
        ]);
        const later = await connection.autocommit((session) => session.query(sql.selectRows(TABLE), [2]));
        expect(later.map((row) => ({ ...row, id: Number(row['id']) }))).toEqual([{ id: 2, label: 'two' }]);
        expect(await connection.autocommit((session) => session.query(sql.selectRows(TABLE), [3]))).toEqual([]);
      },
      fx.needsSql,
    );

    fx.check(
      'sessions.bulk-insert',
      'bulk-inserts 1,500 rows in one call',
      async () => {
        const sql = fx.sql!;
        const connection = await fx.connect();
        await connection.autocommit((session) => session.execute(sql.createTable(TABLE)));
        const rows = Array.from({ length: 1500 }, (_, index) => ({ id: index + 1, label: `row ${index + 1}` }));
        await connection.transaction(async (session) => {
          await session.bulkInsert(TABLE, rows);
          expect(await countIn(session, sql, TABLE)).toBe(1500);
        });
        expect(await countRows(connection, sql, TABLE)).toBe(1500);
        const tail = await connection.autocommit((session) => session.query(sql.selectRows(TABLE), [1499]));
        expect(tail.map((row) => ({ ...row, id: Number(row['id']) }))).toEqual([
          { id: 1499, label: 'row 1499' },
          { id: 1500, label: 'row 1500' },
        ]);
        await connection.autocommit((session) => session.bulkInsert(TABLE, [{ id: 1501, label: 'one more' }]));
        expect(await countRows(connection, sql, TABLE)).toBe(1501);
      },
      fx.needsSql,
    );
  });
}
