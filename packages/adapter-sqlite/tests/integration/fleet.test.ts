import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  fleetStatus,
  migrateFleet,
  readTargetSource,
  writeFleetReport,
  type FleetEvent,
  type FleetReport,
  type MigrateFleetOptions,
} from '@cloudguard/migrate-core';
import { AdapterRegistry } from '@cloudguard/migrate-core/adapter';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { sqliteAdapter } from '../../src/index.js';
import { tempDir } from '../support/fixtures.js';

/**
 * Fleets of real SQLite files: one command over every tenant database, as
 * `cgmigrate upgrade --targets 'sqlite:///tenants/*.db'` runs it through core's API.
 */

const TENANTS = Array.from({ length: 10 }, (_, index) => `tenants/t${String(index + 1).padStart(2, '0')}.db`);
const POISONED = ['tenants/t03.db', 'tenants/t07.db'];

const migration = (id: string, parent: string | null, ...statements: string[]) =>
  `export default { revision: '${id}', downRevision: ${parent ? `'${parent}'` : 'null'}, async up(op) {\n` +
  statements.map((sql) => `  await op.execute('${sql}');\n`).join('') +
  '} };\n';

/**
 * A project with three migrations and ten tenant files. c3 adds a column, then creates
 * table `poison`: it fails on a tenant that already has one, after its first statement.
 */
function project(): string {
  const cwd = tempDir();
  const versions = join(cwd, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  mkdirSync(join(cwd, 'tenants'));
  writeFileSync(join(versions, '0001_a1.mjs'), migration('a1', null, 'CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT)'));
  writeFileSync(join(versions, '0002_b2.mjs'), migration('b2', 'a1', 'CREATE TABLE invoice (id INTEGER PRIMARY KEY, account_id INTEGER)'));
  writeFileSync(join(versions, '0003_c3.mjs'), migration('c3', 'b2', 'ALTER TABLE invoice ADD COLUMN total INTEGER', 'CREATE TABLE poison (id INTEGER)'));
  // Created in reverse, so a glob that did not sort would show it.
  for (const tenant of [...TENANTS].reverse()) sql(cwd, tenant, 'CREATE TABLE settings (key TEXT)');
  return cwd;
}

function sql(cwd: string, file: string, statement: string): void {
  const db = new Database(join(cwd, file));
  db.exec(statement);
  db.close();
}

/** What one tenant file holds: its version rows (none before its first run) and whether invoice has c3's column. */
function state(cwd: string, file: string): { versions: string[]; total: boolean } {
  const db = new Database(join(cwd, file), { readonly: true });
  try {
    const versioned = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").all([]).length > 0;
    const rows = versioned ? (db.prepare('SELECT version_num FROM alembic_version').all([]) as { version_num: string }[]) : [];
    const versions = rows.map((row) => row.version_num);
    const columns = (db.prepare('PRAGMA table_info(invoice)').all([]) as { name: string }[]).map((column) => column.name);
    return { versions, total: columns.includes('total') };
  } finally {
    db.close();
  }
}

const options = (cwd: string, extra: Partial<MigrateFleetOptions> = {}): MigrateFleetOptions => ({
  cwd,
  env: {},
  adapter: sqliteAdapter(),
  config: { targets: 'sqlite:///tenants/*.db' },
  ...extra,
});

const byStatus = (report: FleetReport, status: string) => report.targets.filter((target) => target.status === status).map((target) => target.name);

describe('a fleet of SQLite files', () => {
  it('upgrades every tenant, records the ones that fail at their revision, and resumes only those', async () => {
    const cwd = project();

    // All ten to b2 first, as an earlier release did.
    const first = await migrateFleet(options(cwd, { command: { command: 'upgrade', target: 'b2' } }));
    expect(first.summary).toEqual({ total: 10, succeeded: 10, failed: 0, interrupted: 0, skipped: 0 });
    expect(first.targets.map((target) => target.name)).toEqual(TENANTS);
    expect(first.targets[0]).toMatchObject({ name: 'tenants/t01.db', target: 'sqlite:///tenants/t01.db', status: 'succeeded', from: [], revisions: ['b2'], steps: 2, wave: 1 });
    expect(first).toMatchObject({ kind: 'cgmigrate-fleet-report', version: 1, command: 'upgrade', argument: 'b2', heads: ['c3'] });

    for (const tenant of POISONED) sql(cwd, tenant, 'CREATE TABLE poison (id INTEGER)');

    const before = await fleetStatus(options(cwd));
    expect(before).toMatchObject({ heads: ['c3'], total: 10, behind: TENANTS, unreadable: [], failedLastTime: [] });
    expect(before.revisions).toEqual([{ revisions: ['b2'], atHead: false, count: 10, targets: TENANTS }]);
    expect(before.targets[0]).toEqual({ name: 'tenants/t01.db', target: 'sqlite:///tenants/t01.db', revisions: ['b2'], atHead: false, pending: 1 });

    const lines: string[] = [];
    const report = await migrateFleet(
      options(cwd, { concurrency: 4, logger: { info: (line) => lines.push(`info ${line}`), warn: (line) => lines.push(`warn ${line}`) } }),
    );
    expect(report.summary).toEqual({ total: 10, succeeded: 8, failed: 2, interrupted: 0, skipped: 0 });
    expect(report.argument).toBe('head');
    expect(report.stopped).toBeUndefined();
    expect(byStatus(report, 'failed')).toEqual(POISONED);
    for (const name of POISONED) {
      const failed = report.targets.find((target) => target.name === name)!;
      expect(failed.error?.code).toBe('MIGRATION_FAILED');
      expect(failed.error?.message).toMatch(/^Upgrade of revision c3 \(.*0003_c3\.mjs\) failed at statement: CREATE TABLE poison \(id INTEGER\): .*table poison already exists/);
      // Its transaction was rolled back: c3's first statement left nothing, the version is b2.
      expect(state(cwd, name)).toEqual({ versions: ['b2'], total: false });
    }
    for (const name of TENANTS.filter((tenant) => !POISONED.includes(tenant))) {
      expect(report.targets.find((target) => target.name === name)).toMatchObject({ status: 'succeeded', from: ['b2'], revisions: ['c3'], steps: 1 });
      expect(state(cwd, name)).toEqual({ versions: ['c3'], total: true });
    }
    expect(lines).toContain('info [tenants/t01.db] Running upgrade b2 -> c3');
    expect(lines.filter((line) => line.startsWith('warn '))).toEqual([
      expect.stringMatching(/^warn \[tenants\/t03\.db\] failed: MIGRATION_FAILED Upgrade of revision c3/),
      expect.stringMatching(/^warn \[tenants\/t07\.db\] failed: MIGRATION_FAILED Upgrade of revision c3/),
    ]);

    const failedLastTime = await fleetStatus({ ...options(cwd), lastRuns: report.targets });
    expect(failedLastTime.revisions).toEqual([
      { revisions: ['c3'], atHead: true, count: 8, targets: TENANTS.filter((tenant) => !POISONED.includes(tenant)) },
      { revisions: ['b2'], atHead: false, count: 2, targets: POISONED },
    ]);
    expect(failedLastTime.behind).toEqual(POISONED);
    expect(failedLastTime.failedLastTime).toEqual(POISONED);

    // The poison is removed; the resumed run takes the report from its file, relative to the project.
    for (const tenant of POISONED) sql(cwd, tenant, 'DROP TABLE poison');
    await writeFleetReport(join(cwd, 'fleet-report.json'), report);
    const started: string[] = [];
    const onEvent = (event: FleetEvent) => {
      if (event.type === 'target-start') started.push(event.name);
    };
    const resumed = await migrateFleet(options(cwd, { onlyFailed: 'fleet-report.json', onEvent }));
    expect(started.sort()).toEqual(POISONED);
    expect(resumed.summary).toEqual({ total: 2, succeeded: 2, failed: 0, interrupted: 0, skipped: 0 });
    expect(resumed.targets.map((target) => [target.name, target.revisions])).toEqual(POISONED.map((name) => [name, ['c3']]));
    for (const name of POISONED) expect(state(cwd, name)).toEqual({ versions: ['c3'], total: true });

    const after = await fleetStatus(options(cwd));
    expect(after).toMatchObject({ heads: ['c3'], total: 10, behind: [], unreadable: [] });
    expect(after.revisions).toEqual([{ revisions: ['c3'], atHead: true, count: 10, targets: TENANTS }]);
    expect(after.targets.every((target) => target.atHead && target.pending === 0)).toBe(true);
  });

  it('stops a roll-out at the wave whose tenant fails: later waves are skipped and stay where they were', async () => {
    const cwd = project();
    await migrateFleet(options(cwd, { command: { command: 'upgrade', target: 'b2' } }));
    sql(cwd, 'tenants/t03.db', 'CREATE TABLE poison (id INTEGER)');
    const report = await migrateFleet(options(cwd, { waves: [{ count: 1 }, { percent: 20 }, 'rest'] }));
    expect(report.stopped).toEqual({ reason: 'max-failures', wave: 2 });
    expect(report.targets.map((target) => [target.name, target.status, target.wave])).toEqual([
      ['tenants/t01.db', 'succeeded', 1],
      ['tenants/t02.db', 'succeeded', 2],
      ['tenants/t03.db', 'failed', 2],
      ...TENANTS.slice(3).map((name) => [name, 'skipped', 3]),
    ]);
    expect(TENANTS.map((name) => state(cwd, name).versions[0])).toEqual(['c3', 'c3', 'b2', 'b2', 'b2', 'b2', 'b2', 'b2', 'b2', 'b2']);
  });

  it('splits the tenants into shards that together cover them once', async () => {
    const cwd = project();
    const shards = await Promise.all(['1/3', '2/3', '3/3'].map((shard) => migrateFleet(options(cwd, { shard, command: { command: 'current' } }))));
    const names = shards.flatMap((report) => report.targets.map((target) => target.name));
    expect(names.sort()).toEqual(TENANTS);
    expect(shards.map((report) => report.shard)).toEqual(['1/3', '2/3', '3/3']);
    expect(shards.every((report) => report.targets.every((target) => target.status === 'succeeded'))).toBe(true);
  });

  it('refuses a config whose targets have the wrong type, and a fleet without targets, before anything runs', async () => {
    const cwd = project();
    await expect(migrateFleet(options(cwd, { config: { targets: 42 as never } }))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining("'targets' must be a targets file, a URL or glob"),
    });
    await expect(migrateFleet(options(cwd, { config: {} }))).rejects.toMatchObject({
      code: 'TARGET_SOURCE_INVALID',
      message: expect.stringContaining('no targets were given'),
    });
    await expect(migrateFleet(options(cwd, { config: { targets: 'sqlite:///nowhere/*.db' } }))).rejects.toMatchObject({ code: 'TARGET_SOURCE_INVALID' });
    expect(TENANTS.map((name) => state(cwd, name).versions)).toEqual(TENANTS.map(() => []));
  });
});

describe('a query source on an SQLite control database', () => {
  const control = (cwd: string) => {
    sql(
      cwd,
      'control.db',
      `CREATE TABLE tenants (slug TEXT, db_path TEXT, active INTEGER);
       INSERT INTO tenants VALUES ('globex', 'tenants/t02.db', 1), ('acme', 'tenants/t01.db', 1), ('gone', 'tenants/t09.db', 0);`,
    );
  };
  const read = (cwd: string, query: string) =>
    readTargetSource({ query, controlUrl: 'sqlite:///control.db' }, { cwd, adapters: new AdapterRegistry(), adapter: sqliteAdapter() });

  it('gives a target per row, named by its name column', async () => {
    const cwd = project();
    control(cwd);
    expect(await read(cwd, "SELECT 'sqlite:///' || db_path AS url, slug AS name FROM tenants WHERE active = 1 ORDER BY slug")).toEqual([
      { name: 'acme', url: 'sqlite:///tenants/t01.db' },
      { name: 'globex', url: 'sqlite:///tenants/t02.db' },
    ]);
    // Without a name column, the name is the file's path.
    expect(await read(cwd, "SELECT 'sqlite:///' || db_path AS url FROM tenants WHERE active = 1")).toEqual([
      { name: 'tenants/t02.db', url: 'sqlite:///tenants/t02.db' },
      { name: 'tenants/t01.db', url: 'sqlite:///tenants/t01.db' },
    ]);
  });

  it('runs a fleet from the config', async () => {
    const cwd = project();
    control(cwd);
    const report = await migrateFleet(
      options(cwd, { config: { targets: { query: "SELECT 'sqlite:///' || db_path AS url, slug AS name FROM tenants WHERE active = 1 ORDER BY slug", controlUrl: 'sqlite:///control.db' } } }),
    );
    expect(report.targets.map((target) => [target.name, target.status, target.revisions])).toEqual([
      ['acme', 'succeeded', ['c3']],
      ['globex', 'succeeded', ['c3']],
    ]);
    expect(state(cwd, 'tenants/t01.db').versions).toEqual(['c3']);
    expect(state(cwd, 'tenants/t09.db').versions).toEqual([]);
  });

  it('is refused when its rows lack a url column, or it fails', async () => {
    const cwd = project();
    control(cwd);
    await expect(read(cwd, 'SELECT slug, db_path FROM tenants')).rejects.toMatchObject({
      code: 'TARGET_SOURCE_INVALID',
      message:
        'Invalid fleet target source query on sqlite:///control.db: row 1 has no text url column (its columns: slug, db_path); select the database URL AS url, and optionally schema and name',
    });
    await expect(read(cwd, 'SELECT url FROM customers')).rejects.toMatchObject({
      code: 'TARGET_SOURCE_INVALID',
      message: expect.stringMatching(/^Invalid fleet target source query on sqlite:\/\/\/control\.db: the query failed: .*no such table: customers/),
    });
  });
});
