import { describe, expect } from 'vitest';

import type { ConformanceFixture } from './fixture.js';
import { ConformanceAbort, countIn, countRows, rejection, versionTableExists } from './probes.js';

const TABLE = 'cgm_conformance_scans';

/** `transaction()` and `autocommit()`: what commits, what rolls back, and what a failure looks like. */
export function transactionChecks(fx: ConformanceFixture): void {
  describe('transactions', () => {
    fx.check('transactions.commit', "commits the work, returns its result, and other connections see it", async () => {
      const connection = await fx.connect();
      const result = await connection.transaction(async (session) => {
        await connection.versionStore.ensure(session);
        await connection.versionStore.insert(session, 'a1');
        return 'done';
      });
      expect(result).toBe('done');
      expect(await connection.autocommit(async () => 42)).toBe(42);
      expect(await (await fx.connect()).versionStore.read()).toEqual(['a1']);
    });

    fx.check('transactions.rollback', 'rolls back when the work throws, and lets the error through unchanged', async () => {
      const connection = await fx.connect();
      await connection.transaction(async (session) => {
        await connection.versionStore.ensure(session);
        await connection.versionStore.insert(session, 'a1');
      });
      const abort = new ConformanceAbort();
      const error = await rejection(
        connection.transaction(async (session) => {
          await connection.versionStore.update(session, 'a1', 'b2');
          await connection.versionStore.insert(session, 'c3');
          throw abort;
        }),
      );
      expect(error).toBe(abort);
      expect(await connection.versionStore.read()).toEqual(['a1']);
      // the connection is usable after a rollback
      await connection.transaction((session) => connection.versionStore.insert(session, 'd4'));
      expect((await connection.versionStore.read()).sort()).toEqual(['a1', 'd4']);
    });

    fx.check(
      'transactions.rollback-ddl',
      'rolls back DDL too (capabilities.transactionalDdl)',
      async () => {
        const connection = await fx.connect();
        const abort = new ConformanceAbort();
        const error = await rejection(
          connection.transaction(async (session) => {
            await connection.versionStore.ensure(session);
            await connection.versionStore.insert(session, 'a1');
            await connection.auditStore.ensure(session);
            throw abort;
          }),
        );
        expect(error).toBe(abort);
        expect(await versionTableExists(connection)).toBe(false);
        if (fx.sql) {
          const sql = fx.sql;
          await rejection(
            connection.transaction(async (session) => {
              await session.execute(sql.createTable(TABLE));
              throw abort;
            }),
          );
          expect(await countRows(connection, sql, TABLE)).toBeUndefined();
        }
      },
      !fx.capabilities.transactionalDdl && 'the adapter declares capabilities.transactionalDdl: false',
    );

    fx.check('transactions.statement-error', "rejects with the failing statement's error, which carries its .sql", async () => {
      const connection = await fx.connect();
      const { failingStatement } = fx;
      await connection.transaction((session) => connection.versionStore.ensure(session));
      const inTransaction = await rejection(
        connection.transaction(async (session) => {
          await connection.versionStore.insert(session, 'a1');
          await session.execute(failingStatement);
        }),
      );
      expect(inTransaction).toBeInstanceOf(Error);
      expect(inTransaction).toMatchObject({ sql: failingStatement });
      expect(await connection.versionStore.read()).toEqual([]);

      const inAutocommit = await rejection(connection.autocommit((session) => session.execute(failingStatement)));
      expect(inAutocommit).toMatchObject({ sql: failingStatement });
    });

    fx.check('transactions.autocommit', 'commits each autocommit statement on its own', async () => {
      const connection = await fx.connect();
      const abort = new ConformanceAbort();
      const error = await rejection(
        connection.autocommit(async (session) => {
          await connection.versionStore.ensure(session);
          await connection.versionStore.insert(session, 'a1');
          throw abort;
        }),
      );
      expect(error).toBe(abort);
      expect(await connection.versionStore.read()).toEqual(['a1']);
    });

    fx.check(
      'transactions.sql-rollback',
      'rolls back SQL statements when a later one fails',
      async () => {
        const sql = fx.sql!;
        const connection = await fx.connect();
        await connection.autocommit((session) => session.execute(sql.createTable(TABLE)));
        const error = await rejection(
          connection.transaction(async (session) => {
            await session.execute(sql.insertRow(TABLE), [1, 'kept?']);
            expect(await countIn(session, sql, TABLE)).toBe(1);
            await session.execute(sql.failingStatement);
          }),
        );
        expect(error).toMatchObject({ sql: sql.failingStatement });
        expect(await countRows(connection, sql, TABLE)).toBe(0);
      },
      fx.needsSql,
    );

    fx.check(
      'transactions.sql-autocommit',
      'keeps autocommit statements that ran before one failed',
      async () => {
        const sql = fx.sql!;
        const connection = await fx.connect();
        await rejection(
          connection.autocommit(async (session) => {
            await session.execute(sql.createTable(TABLE));
            await session.execute(sql.insertRow(TABLE), [1, 'kept']);
            await session.execute(sql.failingStatement);
          }),
        );
        expect(await countRows(connection, sql, TABLE)).toBe(1);
      },
      fx.needsSql,
    );
  });
}
