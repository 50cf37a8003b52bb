import { describe, expect } from 'vitest';

import { DEFAULT_AUDIT_TABLE, type AdapterConnection, type AuditEntry } from '../../adapter/dialect-adapter.js';
import { AUDIT_ADDED_COLUMNS } from '../../adapter/sql-store-dialect.js';
import type { ConformanceFixture } from './fixture.js';
import { acceptEntry, auditEntry, auditTableExists, ConformanceAbort, countRows, rejection, versionTableExists } from './probes.js';

/** The accepted-edit checks need a store that keeps them (the optional `recordsAcceptances`). */
function acceptancesUnmet(connection: AdapterConnection): boolean {
  return connection.auditStore.recordsAcceptances !== true;
}

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

    fx.check('auditStore.accept', 'keeps an accepted edit, and returns it after the step it amends', async () => {
      const connection = await fx.connect();
      // An adapter whose store does not declare recordsAcceptances is refused by core (ACCEPT_NOT_SUPPORTED).
      if (acceptancesUnmet(connection)) return;
      const store = connection.auditStore;
      await connection.transaction(async (session) => {
        await store.ensure(session);
        await store.record(session, auditEntry('a1', 'upgrade', '2024-05-01T10:00:00.000Z', 'aa'));
        await store.record(session, auditEntry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'));
      });
      const first = acceptEntry('a1', '2024-05-02T09:00:00.000Z', 'aa', 'a2', 'reformatted, reviewed in #412');
      const second = acceptEntry('a1', '2024-05-03T09:00:00.000Z', 'a2', 'a3', `a comment fixed: ${'é'.repeat(980)}`);
      await connection.transaction((session) => store.record(session, first));
      await connection.transaction((session) => store.record(session, second));
      const expected = [
        auditEntry('a1', 'upgrade', '2024-05-01T10:00:00.000Z', 'aa'),
        auditEntry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'),
        second,
      ];
      expect(await store.latest()).toEqual(expected);
      expect(await (await fx.connect({ purpose: 'inspect' })).auditStore.latest()).toEqual(expected);

      // A later step of the revision is its newest entry: the acceptance before it no longer comes back.
      await connection.transaction((session) => store.record(session, auditEntry('a1', 'downgrade', '2024-05-04T09:00:00.000Z', 'a3')));
      expect(await store.latest()).toEqual([
        auditEntry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'),
        auditEntry('a1', 'downgrade', '2024-05-04T09:00:00.000Z', 'a3'),
      ]);
    });

    fx.check(
      'auditStore.read-old-table',
      'reads an audit table created before accepted edits (without reason and previous_checksum), on inspect connections too',
      async () => {
        const connection = await fx.connect();
        const steps = await oldTableWithSteps(fx, connection);
        expect(await connection.auditStore.latest()).toEqual(steps);
        const inspecting = await fx.connect({ purpose: 'inspect' });
        expect(await inspecting.auditStore.latest()).toEqual(steps);
        expect(await inspecting.transaction((session) => inspecting.auditStore.latest(session))).toEqual(steps);
      },
      fx.needsSql,
    );

    fx.check(
      'auditStore.upgrade-old-table',
      'ensure() adds the columns an older audit table lacks, keeps its rows, and can be repeated; an acceptance is then kept',
      async () => {
        const connection = await fx.connect();
        if (acceptancesUnmet(connection)) return;
        const steps = await oldTableWithSteps(fx, connection);
        const store = connection.auditStore;
        await connection.transaction((session) => store.ensure(session));
        await connection.transaction((session) => store.ensure(session));
        expect(await countRows(connection, fx.sql!, store.table.name)).toBe(steps.length);
        const accepted = acceptEntry('a1', '2024-05-02T09:00:00.000Z', 'aa', 'a2', 'reformatted');
        await connection.transaction((session) => store.record(session, accepted));
        expect(await store.latest()).toEqual([...steps, accepted]);
      },
      fx.needsSql,
    );
  });
}

/**
 * The audit table as versions before accepted edits created it: made by `ensure()`, with
 * two steps recorded, then stripped of the columns added since. Returns the steps.
 */
async function oldTableWithSteps(fx: ConformanceFixture, connection: AdapterConnection): Promise<AuditEntry[]> {
  const store = connection.auditStore;
  const steps = [auditEntry('a1', 'upgrade', '2024-05-01T10:00:00.000Z', 'aa'), auditEntry('b2', 'stamp', '2024-05-01T10:00:01.000Z')];
  await connection.transaction(async (session) => {
    await store.ensure(session);
    for (const step of steps) await store.record(session, step);
  });
  for (const column of AUDIT_ADDED_COLUMNS) {
    await connection.autocommit((session) => session.execute(fx.sql!.dropColumn(store.table.name, column.name)));
  }
  return steps;
}
