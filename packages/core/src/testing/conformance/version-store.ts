import { describe, expect } from 'vitest';

import type { VersionTableConflictError } from '../../errors.js';
import type { ConformanceFixture } from './fixture.js';
import { rejection, sorted, versionTableExists } from './probes.js';

/** The version table: Alembic's `alembic_version`, one row per head. */
export function versionStoreChecks(fx: ConformanceFixture): void {
  describe('version store', () => {
    fx.check('versionStore.read-fresh', 'reads [] on a fresh database, and creates nothing', async () => {
      const inspecting = await fx.connect({ purpose: 'inspect' });
      expect(await inspecting.versionStore.read()).toEqual([]);
      expect(await inspecting.transaction((session) => inspecting.versionStore.read(session))).toEqual([]);

      const migrating = await fx.connect();
      expect(await migrating.versionStore.read()).toEqual([]);
      expect(await migrating.transaction((session) => migrating.versionStore.read(session))).toEqual([]);
      expect(await versionTableExists(migrating)).toBe(false);
    });

    fx.check('versionStore.ensure-idempotent', 'creates the table once, in a transaction or in autocommit', async () => {
      const connection = await fx.connect();
      const store = connection.versionStore;
      await connection.transaction(async (session) => {
        await store.ensure(session);
        await store.ensure(session);
      });
      await connection.transaction((session) => store.ensure(session));
      await connection.autocommit((session) => store.ensure(session));
      expect(await store.read()).toEqual([]);
      expect(await versionTableExists(connection)).toBe(true);
    });

    fx.check('versionStore.round-trip', 'round-trips insert, update and delete, with several heads', async () => {
      const connection = await fx.connect();
      const store = connection.versionStore;
      await connection.transaction(async (session) => {
        await store.ensure(session);
        await store.insert(session, 'ae1027a6acf');
        await store.insert(session, '3f2a9c1b7d4e');
      });
      expect(sorted(await store.read())).toEqual(['3f2a9c1b7d4e', 'ae1027a6acf']);

      await connection.transaction((session) => store.update(session, 'ae1027a6acf', '27c6a30d7c24'));
      expect(sorted(await store.read())).toEqual(['27c6a30d7c24', '3f2a9c1b7d4e']);

      await connection.transaction((session) => store.delete(session, '3f2a9c1b7d4e'));
      expect(await store.read()).toEqual(['27c6a30d7c24']);

      // a 32-character id, the column's full width
      await connection.transaction((session) => store.update(session, '27c6a30d7c24', 'x'.repeat(32)));
      expect(await store.read()).toEqual(['x'.repeat(32)]);

      const other = await fx.connect();
      expect(await other.versionStore.read()).toEqual(['x'.repeat(32)]);
    });

    fx.check('versionStore.read-in-transaction', "reads the transaction's own uncommitted rows through its session", async () => {
      const connection = await fx.connect();
      const store = connection.versionStore;
      await connection.transaction((session) => store.ensure(session));
      const inside = await connection.transaction(async (session) => {
        await store.insert(session, 'a1');
        return store.read(session);
      });
      expect(inside).toEqual(['a1']);
    });

    fx.check('versionStore.conflict', 'throws VERSION_TABLE_CONFLICT when the row to delete or update is not there', async () => {
      const connection = await fx.connect();
      const store = connection.versionStore;
      await connection.transaction(async (session) => {
        await store.ensure(session);
        await store.insert(session, 'b');
      });

      const onDelete = (await rejection(connection.transaction((session) => store.delete(session, 'a')))) as VersionTableConflictError;
      expect(onDelete).toMatchObject({ code: 'VERSION_TABLE_CONFLICT', table: 'alembic_version', expected: 'a', found: ['b'] });
      const onUpdate = await rejection(connection.transaction((session) => store.update(session, 'a', 'c')));
      expect(onUpdate).toMatchObject({ code: 'VERSION_TABLE_CONFLICT', table: 'alembic_version', expected: 'a', found: ['b'] });
      expect(await store.read()).toEqual(['b']);
    });

    fx.check('versionStore.duplicate-insert', 'refuses a second row for the same version', async () => {
      const connection = await fx.connect();
      const store = connection.versionStore;
      await connection.transaction(async (session) => {
        await store.ensure(session);
        await store.insert(session, 'a');
      });
      await rejection(connection.transaction((session) => store.insert(session, 'a')));
      expect(await store.read()).toEqual(['a']);
    });

    fx.check('versionStore.custom-table', 'keeps its rows in the configured table, even a name that needs quoting', async () => {
      const versionTable = { name: 'Schema Versions' };
      const custom = await fx.connect({ versionTable });
      expect(custom.versionStore.table).toMatchObject(versionTable);
      await custom.transaction(async (session) => {
        await custom.versionStore.ensure(session);
        await custom.versionStore.insert(session, 'x1');
      });
      expect(await custom.versionStore.read()).toEqual(['x1']);
      expect(await (await fx.connect({ versionTable, purpose: 'inspect' })).versionStore.read()).toEqual(['x1']);

      const standard = await fx.connect();
      expect(await standard.versionStore.read()).toEqual([]);
      expect(await versionTableExists(standard)).toBe(false);
    });

    fx.check('versionStore.inspect-reads', 'is read by an inspect connection', async () => {
      const migrating = await fx.connect();
      await migrating.transaction(async (session) => {
        await migrating.versionStore.ensure(session);
        await migrating.versionStore.insert(session, 'ae1027a6acf');
      });
      await migrating.close();

      const inspecting = await fx.connect({ purpose: 'inspect' });
      expect(await inspecting.versionStore.read()).toEqual(['ae1027a6acf']);
      expect(await inspecting.transaction((session) => inspecting.versionStore.read(session))).toEqual(['ae1027a6acf']);
    });
  });
}
