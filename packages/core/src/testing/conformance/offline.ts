import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect } from 'vitest';

import type { AdapterConnection } from '../../adapter/dialect-adapter.js';
import { createEnvironment, type MigrationEnvironment } from '../../commands/environment.js';
import { downgradeSql, upgradeSql, type OfflineScriptResult } from '../../commands/offline-sql.js';
import { loadConfig } from '../../config/load-config.js';
import { isMigrateError } from '../../errors.js';
import type { ConformanceFixture } from './fixture.js';
import type { ConformanceSql } from './options.js';
import { rejection } from './probes.js';

const TABLE = 'cgm_conformance_offline';

/** Two migrations in plain JavaScript: parameters with awkward text, `bulkInsert`, and a value that says whether `op.offline` was set. */
function fixtureMigrations(sql: ConformanceSql): Record<string, string> {
  return {
    'cgmoff01_create.mjs': `export default {
  revision: 'cgmoff01',
  downRevision: null,
  message: 'offline fixture: create',
  async up(op) {
    await op.execute(${JSON.stringify(sql.createTable(TABLE))});
    await op.execute(${JSON.stringify(sql.insertRow(TABLE))}, [1, "it's ? -- not a comment"]);
    await op.bulkInsert('${TABLE}', [{ id: 2, label: 'two' }]);
  },
  async down(op) {
    await op.execute('DROP TABLE ${TABLE}');
  },
};
`,
    'cgmoff02_mode.mjs': `export default {
  revision: 'cgmoff02',
  downRevision: 'cgmoff01',
  message: 'offline fixture: mode',
  async up(op) {
    await op.execute(${JSON.stringify(sql.insertRow(TABLE))}, [3, op.offline ? 'offline' : 'online']);
  },
  async down(op) {
    await op.execute('DELETE FROM ${TABLE} WHERE id = 3');
  },
};
`,
  };
}

/**
 * Offline rendering (`--sql`), for an adapter that implements `renderOffline`: core
 * renders a script for fixture migrations through it, the suite applies the script's
 * blocks through the adapter's own online connection (each transactional block in one
 * `transaction()`), and the database must then hold what an online run leaves.
 */
export function offlineChecks(fx: ConformanceFixture): void {
  const unmet = fx.needsSql || (typeof fx.options.adapter().renderOffline !== 'function' && 'the adapter does not implement renderOffline');

  /** An environment over a fresh script directory holding `files`; removed after the check. */
  const environment = async (files: Record<string, string>): Promise<MigrationEnvironment> => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-offline-conformance-'));
    fx.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const versions = path.join(dir, 'versions');
    mkdirSync(versions);
    for (const [name, source] of Object.entries(files)) writeFileSync(path.join(versions, name), source);
    const config = await loadConfig({
      cwd: fx.database.cwd,
      url: fx.database.url,
      env: {},
      overrides: { scriptLocation: dir, adapter: fx.adapter },
    });
    return createEnvironment(config);
  };

  describe('offline rendering', () => {
    fx.check(
      'offline.render-apply',
      'a rendered upgrade and downgrade, applied through the adapter, leave the version and audit rows of an online run',
      async () => {
        const sql = fx.sql!;
        const env = await environment(fixtureMigrations(sql));
        const upgrade = await upgradeSql(env, { range: 'base:head' });
        expect(upgrade.to).toEqual(['cgmoff02']);
        expect(upgrade.sql).toContain('cgmoff02');

        const connection = await fx.connect();
        await applyScript(connection, upgrade);
        expect(await connection.versionStore.read()).toEqual(['cgmoff02']);
        const rows = await connection.autocommit((session) => session.query<{ id: unknown; label: unknown }>(sql.selectRows(TABLE), [0]));
        expect(rows.map((row) => ({ id: Number(row.id), label: row.label }))).toEqual([
          { id: 1, label: "it's ? -- not a comment" },
          { id: 2, label: 'two' },
          { id: 3, label: 'offline' },
        ]);
        const audit = await connection.auditStore.latest();
        expect(audit.map((entry) => [entry.revision, entry.direction])).toEqual([
          ['cgmoff01', 'upgrade'],
          ['cgmoff02', 'upgrade'],
        ]);
        for (const entry of audit) {
          expect(entry.checksum).toMatch(/^[0-9a-f]{64}$/);
          expect(Math.abs(entry.appliedAt.getTime() - Date.now())).toBeLessThan(10 * 60_000);
        }

        const downgrade = await downgradeSql(env, { range: 'head:base' });
        await applyScript(connection, downgrade);
        expect(await connection.versionStore.read()).toEqual([]);
        expect((await connection.auditStore.latest()).map((entry) => entry.direction)).toEqual(['downgrade', 'downgrade']);
      },
      unmet,
    );

    fx.check(
      'offline.read-refused',
      'a migration that reads the database fails with OFFLINE_READ_NOT_SUPPORTED, and a range continues from its start',
      async () => {
        const env = await environment({
          ...fixtureMigrations(fx.sql!),
          'cgmoff03_reads.mjs': `export default {
  revision: 'cgmoff03',
  downRevision: 'cgmoff02',
  async up(op) { await op.query('SELECT 1'); },
};
`,
        });
        const error = await rejection(upgradeSql(env, { range: 'cgmoff01:head' }));
        expect(isMigrateError(error) && error.code).toBe('OFFLINE_READ_NOT_SUPPORTED');
        expect((error as Error).message).toContain('cgmoff03');

        const partial = await upgradeSql(env, { range: 'cgmoff01:cgmoff02' });
        expect(partial.from).toEqual(['cgmoff01']);
        expect(partial.steps.map((step) => step.revision)).toEqual(['cgmoff02']);
      },
      unmet,
    );
  });
}

/** Runs each block of a script through `connection`, as a DBA's client would run the text. */
async function applyScript(connection: AdapterConnection, script: OfflineScriptResult): Promise<void> {
  for (const block of script.blocks) {
    const run = async (session: Parameters<Parameters<AdapterConnection['transaction']>[0]>[0]): Promise<void> => {
      for (const entry of block.entries) if (entry.kind === 'statement') await session.execute(entry.sql);
    };
    if (block.transactional) await connection.transaction(run);
    else await connection.autocommit(run);
  }
}
