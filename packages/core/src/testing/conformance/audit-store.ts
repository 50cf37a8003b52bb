import { describe, expect } from 'vitest';

import { DEFAULT_AUDIT_TABLE } from '../../adapter/dialect-adapter.js';
import type { ConformanceFixture } from './fixture.js';
import { auditEntry, auditTableExists, ConformanceAbort, rejection, versionTableExists } from './probes.js';

/** The audit table beside the version table (`cgmigrate_audit`): one row per step. */
export function auditStoreChecks(fx: ConformanceFixture): void {
  describe('audit store', () => {
    fx.check('auditStore.read-fresh', 'reads [] on a fresh database, and creates nothing', async () => {
      const inspecting = await fx.connect({ purpose: 'inspect' });
      expect(await inspecting.auditStore.latest()).toEqual([]);
      expect(await inspecting.transaction((session) => inspecting.auditStore.latest(session))).toEqual([]);

      const migrating = await fx.connect();
      expect(await migrating.auditStore.latest()).toEqual([]);
      expect(await auditTableExists(migrating)).toBe(false);
      expect(await versionTableExists(migrating)).toBe(false);
    });

    fx.check('auditStore.round-trip', 'records every field and returns the newest entry of each revision, oldest first', async () => {
      const connection = await fx.connect();
      const store = connection.auditStore;
      expect(store.table).toMatchObject({ name: DEFAULT_AUDIT_TABLE });
      await connection.transaction(async (session) => {
        await store.ensure(session);
        await store.ensure(session);
      });
      await connection.transaction(async (session) => {
        await store.record(session, auditEntry('a1', 'upgrade', '2024-05-01T10:00:00.000Z', 'aa'.repeat(32)));
        await store.record(session, auditEntry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'));
        await store.record(session, auditEntry('a1', 'downgrade', '2024-05-01T10:00:02.000Z', 'ab'));
        await store.record(session, {
          ...auditEntry('c3', 'stamp', '2024-05-01T10:00:03.123Z'),
          appliedBy: undefined,
          host: undefined,
          toolVersion: undefined,
        });
      });
      const expected = [
        auditEntry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'),
        auditEntry('a1', 'downgrade', '2024-05-01T10:00:02.000Z', 'ab'),
        { ...auditEntry('c3', 'stamp', '2024-05-01T10:00:03.123Z'), appliedBy: undefined, host: undefined, toolVersion: undefined },
      ];
      expect(await store.latest()).toEqual(expected);
      expect(await connection.transaction((session) => store.latest(session))).toEqual(expected);
      expect(await (await fx.connect({ purpose: 'inspect' })).auditStore.latest()).toEqual(expected);
    });

    fx.check('auditStore.rollback', 'is written in the transaction, and rolled back with it', async () => {
      const connection = await fx.connect();
      await connection.transaction((session) => connection.auditStore.ensure(session));
      const abort = new ConformanceAbort();
      const error = await rejection(
        connection.transaction(async (session) => {
          await connection.auditStore.record(session, auditEntry('a1', 'upgrade', '2024-05-01T10:00:00.000Z'));
          throw abort;
        }),
      );
      expect(error).toBe(abort);
      expect(await connection.auditStore.latest()).toEqual([]);
    });

    fx.check('auditStore.custom-table', 'keeps its rows in the configured audit table', async () => {
      const auditTable = { name: 'cgm_conformance_audit' };
      const custom = await fx.connect({ auditTable });
      expect(custom.auditStore.table).toMatchObject(auditTable);
      await custom.transaction(async (session) => {
        await custom.auditStore.ensure(session);
        await custom.auditStore.record(session, auditEntry('a1', 'upgrade', '2024-05-01T10:00:00.000Z'));
      });
      expect(await custom.auditStore.latest()).toEqual([auditEntry('a1', 'upgrade', '2024-05-01T10:00:00.000Z')]);

      const standard = await fx.connect();
      expect(await standard.auditStore.latest()).toEqual([]);
      expect(await auditTableExists(standard)).toBe(false);
    });
  });
}
