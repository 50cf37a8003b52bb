import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, tempProject, versionRows, type RunResult } from './cli.js';

/**
 * Issue 22's acceptance: one history over 200 SQLite tenant files, 100 PostgreSQL schemas
 * of one database and 10 PostgreSQL databases, 20 migrations each, with 7 targets planted
 * to fail (bad SQL on one revision, a missing schema, a lock held past lockTimeout). The
 * others reach head; the report lists exactly the 7; once they are fixed, --only-failed
 * touches only them; `fleet status` says so before and after.
 */

const MIGRATIONS = 20;
const SQLITE_TENANTS = 200;
const SCHEMAS = 100;
const DATABASES = 10;
/** Every target URL carries it; trust authentication ignores it, and no output may show it. */
const PASSWORD = 'fleet-s3cret';
const POISONED_AT = 10;

const id = (n: number): string => `f${String(n).padStart(3, '0')}`;

interface FleetStatusJson {
  total: number;
  heads: string[];
  revisions: { revisions: string[]; count: number; atHead: boolean }[];
  behind: string[];
  unreadable: string[];
  failedLastTime: string[];
}

interface ReportJson {
  kind: string;
  summary: { total: number; succeeded: number; failed: number; interrupted: number; skipped: number };
  targets: { name: string; target: string; status: string; revisions?: string[]; error?: { code: string; message: string } }[];
}

let dir: string;
let cleanupDir: () => void;
let schemaDb: TestDatabase;
const databases: TestDatabase[] = [];
const lockHolders: pg.Client[] = [];

/** `postgresql://postgres:<password>@host:port/<db>` */
const withPassword = (url: string): string => {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  return parsed.toString();
};

/** The advisory lock key cgmigrate's PostgreSQL adapter takes for a version table (see `advisoryLockKey`). */
const lockKey = (schema: string): string => createHash('sha256').update(`cgmigrate:${schema}.alembic_version`).digest().readBigInt64BE(0).toString();

async function holdLock(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  await client.query(`SELECT pg_advisory_lock(${lockKey(schema)}::bigint)`);
  lockHolders.push(client);
}

function run(args: readonly string[]): Promise<RunResult> {
  return cgmigrate(args, { cwd: dir });
}

/** The names the fleet gives: host:port/database[#schema], files relative to the project. */
const schemaName = (schema: string): string => `${new URL(schemaDb.url).host}/${schemaDb.name}#${schema}`;
const databaseName = (db: TestDatabase): string => `${new URL(db.url).host}/${db.name}`;

beforeAll(async () => {
  ({ dir, cleanup: cleanupDir } = tempProject());
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  for (let n = 1; n <= MIGRATIONS; n++) {
    const poison = n === POISONED_AT ? "\n    await op.execute('CREATE TABLE poison (id INTEGER)');" : '';
    writeFileSync(
      path.join(versions, `${id(n)}.ts`),
      `export default {
  revision: '${id(n)}',
  downRevision: ${n === 1 ? 'null' : `'${id(n - 1)}'`},
  message: 'step ${n}',
  async up(op) {
    await op.execute('CREATE TABLE t_${id(n)} (id INTEGER PRIMARY KEY, name VARCHAR(50))');${poison}
  },
  async down(op) {
    await op.execute('DROP TABLE t_${id(n)}');
  },
};
`,
    );
  }
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify({ lockTimeout: 1500 }));

  mkdirSync(path.join(dir, 'tenants'));
  for (let n = 1; n <= SQLITE_TENANTS; n++) new DatabaseSync(path.join(dir, 'tenants', `${id(n)}.db`)).close();
  schemaDb = await createTestDatabase('cg_fleet_schemas');
  await queryTestDatabase(schemaDb.url, Array.from({ length: SCHEMAS }, (_, n) => `CREATE SCHEMA fleet_s_${id(n + 1)};`).join('\n'));
  for (let n = 1; n <= DATABASES; n++) databases.push(await createTestDatabase('cg_fleet_db'));

  // Planted: bad SQL on revision 10 (its table already there) in 2 files, 1 schema, 1 database.
  for (const file of ['f007.db', 'f150.db']) {
    const db = new DatabaseSync(path.join(dir, 'tenants', file));
    db.exec('CREATE TABLE poison (id INTEGER)');
    db.close();
  }
  await queryTestDatabase(schemaDb.url, 'CREATE TABLE fleet_s_f042.poison (id INTEGER)');
  await queryTestDatabase(databases[3]!.url, 'CREATE TABLE poison (id INTEGER)');
  // Planted: a lock held past lockTimeout on 1 schema and 1 database.
  await holdLock(schemaDb.url, 'fleet_s_f077');
  await holdLock(databases[6]!.url, 'public');

  writeFileSync(
    path.join(dir, 'targets.txt'),
    [
      '# every tenant file',
      'sqlite:///tenants/*.db',
      '',
      '# every tenant schema, and one that does not exist yet',
      `${withPassword(schemaDb.url)}#fleet_s_*`,
      `${withPassword(schemaDb.url)}#fleet_missing`,
      '# a database per large tenant',
      ...databases.map((db) => withPassword(db.url)),
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  for (const client of lockHolders.splice(0)) await client.end().catch(() => {});
  await schemaDb?.drop();
  for (const db of databases) await db.drop();
  cleanupDir?.();
});

const PLANTED = () => [
  'tenants/f007.db',
  'tenants/f150.db',
  schemaName('fleet_s_f042'),
  databaseName(databases[3]!),
  schemaName('fleet_missing'),
  schemaName('fleet_s_f077'),
  databaseName(databases[6]!),
];

describe('a fleet of SQLite files, PostgreSQL schemas and databases', () => {
  it('upgrades all but the 7 planted targets, reports exactly those, and resumes only them once fixed', async () => {
    const total = SQLITE_TENANTS + SCHEMAS + 1 + DATABASES;
    const head = id(MIGRATIONS);

    const before = await run(['fleet', 'status', '--targets', 'targets.txt', '--json']);
    expect(before.code, before.stderr).toBe(1);
    const statusBefore = before.json<FleetStatusJson>();
    expect(statusBefore.total).toBe(total);
    expect(statusBefore.heads).toEqual([head]);
    expect(statusBefore.revisions).toEqual([{ revisions: [], atHead: false, count: total - 1, targets: expect.any(Array) }]);
    expect(statusBefore.unreadable).toEqual([schemaName('fleet_missing')]);

    const first = await run(['upgrade', 'head', '--targets', 'targets.txt', '--concurrency', '16', '--report', 'first.json']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain(`Fleet upgrade head: ${total} targets, ${total - 7} succeeded, 7 failed`);
    const report = JSON.parse(readFileSync(path.join(dir, 'first.json'), 'utf8')) as ReportJson;
    expect(statSync(path.join(dir, 'first.json')).mode & 0o777).toBe(0o600);
    expect(report.summary).toEqual({ total, succeeded: total - 7, failed: 7, interrupted: 0, skipped: 0 });
    const failed = report.targets.filter((target) => target.status !== 'succeeded');
    expect(failed.map((target) => target.name).sort()).toEqual(PLANTED().sort());
    const codeOf = (name: string) => failed.find((target) => target.name === name)?.error?.code;
    expect(codeOf('tenants/f007.db')).toBe('MIGRATION_FAILED');
    expect(codeOf(schemaName('fleet_s_f042'))).toBe('MIGRATION_FAILED');
    expect(codeOf(databaseName(databases[3]!))).toBe('MIGRATION_FAILED');
    expect(codeOf(schemaName('fleet_missing'))).toBe('TARGET_SCHEMA_NOT_FOUND');
    expect(codeOf(schemaName('fleet_s_f077'))).toBe('LOCK_TIMEOUT');
    expect(codeOf(databaseName(databases[6]!))).toBe('LOCK_TIMEOUT');
    for (const target of report.targets.filter((entry) => entry.status === 'succeeded')) expect(target.revisions).toEqual([head]);
    // Where each failure left its target: the one transaction of the run rolled back, so at base; a missing schema has no revisions to read.
    const revisionsOf = (name: string) => failed.find((target) => target.name === name)?.revisions;
    expect(revisionsOf('tenants/f150.db')).toEqual([]);
    expect(revisionsOf(databaseName(databases[3]!))).toEqual([]);
    expect(revisionsOf(schemaName('fleet_s_f077'))).toEqual([]);
    expect(revisionsOf(schemaName('fleet_missing'))).toBeUndefined();
    // The tenant's own schema holds its tables and version table; a failed one was rolled back whole.
    const [inSchema] = await queryTestDatabase<{ n: number }>(schemaDb.url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'fleet_s_f001' AND tablename LIKE 't_f%'");
    expect(inSchema!.n).toBe(MIGRATIONS);
    const [poisoned] = await queryTestDatabase<{ n: number }>(schemaDb.url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'fleet_s_f042' AND tablename LIKE 't_f%'");
    expect(poisoned!.n).toBe(0);
    expect(await queryTestDatabase(schemaDb.url, 'SELECT version_num FROM fleet_s_f001.alembic_version')).toEqual([{ version_num: head }]);
    expect(await queryTestDatabase(schemaDb.url, "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'alembic_version'")).toEqual([]);

    const middle = await run(['fleet', 'status', '--targets', 'targets.txt', '--report', 'first.json', '--json']);
    const statusMiddle = middle.json<FleetStatusJson>();
    expect(statusMiddle.revisions.map(({ revisions, count, atHead }) => ({ revisions, count, atHead }))).toEqual([
      { revisions: [head], count: total - 7, atHead: true },
      { revisions: [], count: 6, atHead: false },
    ]);
    expect(statusMiddle.behind.sort()).toEqual(PLANTED().filter((name) => name !== schemaName('fleet_missing')).sort());
    expect(statusMiddle.unreadable).toEqual([schemaName('fleet_missing')]);
    expect(statusMiddle.failedLastTime.sort()).toEqual(PLANTED().sort());

    // Fix the 7: drop the poison, free the locks, create the schema.
    for (const file of ['f007.db', 'f150.db']) {
      const db = new DatabaseSync(path.join(dir, 'tenants', file));
      db.exec('DROP TABLE poison');
      db.close();
    }
    await queryTestDatabase(schemaDb.url, 'DROP TABLE fleet_s_f042.poison; CREATE SCHEMA fleet_missing');
    await queryTestDatabase(databases[3]!.url, 'DROP TABLE poison');
    for (const client of lockHolders.splice(0)) await client.end();
    const auditBefore = await queryTestDatabase<{ n: number }>(schemaDb.url, 'SELECT count(*)::int AS n FROM fleet_s_f001.cgmigrate_audit');

    const resumed = await run(['upgrade', 'head', '--targets', 'targets.txt', '--only-failed', 'first.json', '--report', 'second.json', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const second = resumed.json<ReportJson>();
    expect(second.summary).toEqual({ total: 7, succeeded: 7, failed: 0, interrupted: 0, skipped: 0 });
    expect(second.targets.map((target) => target.name).sort()).toEqual(PLANTED().sort());
    expect(await queryTestDatabase(schemaDb.url, 'SELECT count(*)::int AS n FROM fleet_s_f001.cgmigrate_audit')).toEqual(auditBefore);

    const after = await run(['fleet', 'status', '--targets', 'targets.txt', '--report', 'second.json', '--json']);
    expect(after.code, after.stderr).toBe(0);
    const statusAfter = after.json<FleetStatusJson>();
    expect(statusAfter.revisions.map(({ revisions, count }) => ({ revisions, count }))).toEqual([{ revisions: [head], count: total }]);
    expect(statusAfter.behind).toEqual([]);
    expect(statusAfter.unreadable).toEqual([]);
    expect(statusAfter.failedLastTime).toEqual([]);

    // No output and no report shows a password.
    const everything = [before, first, middle, resumed, after].map((result) => result.stdout + result.stderr).join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(readFileSync(path.join(dir, 'first.json'), 'utf8')).not.toContain(PASSWORD);
    expect(readFileSync(path.join(dir, 'second.json'), 'utf8')).not.toContain(PASSWORD);
  }, 300_000);
});

describe('Ctrl-C during a fleet run', () => {
  it('rolls back the targets in flight, starts no other, writes the report and says so', async () => {
    const project = tempProject();
    try {
      const versions = path.join(project.dir, 'migrations', 'versions');
      mkdirSync(versions, { recursive: true });
      mkdirSync(path.join(project.dir, 'tenants'));
      writeFileSync(
        path.join(versions, 'slow01.ts'),
        `export default {
  revision: 'slow01',
  downRevision: null,
  async up(op) {
    await op.execute('CREATE TABLE slow (id INTEGER)');
    if (!op.offline) await new Promise((resolve) => setTimeout(resolve, 1500));
  },
};
`,
      );
      for (let n = 1; n <= 12; n++) new DatabaseSync(path.join(project.dir, 'tenants', `${id(n)}.db`)).close();
      const { startCgmigrate } = await import('./cli.js');
      const running = startCgmigrate(['upgrade', 'head', '--targets', 'sqlite:///tenants/*.db', '--concurrency', '3', '--report', 'stopped.json', '--lint', 'off'], { cwd: project.dir });
      await running.until('base -> slow01');
      running.child.kill('SIGINT');
      const result = await running.done;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain('Interrupted in wave 1: the targets running were rolled back; no other target starts.');
      const report = JSON.parse(readFileSync(path.join(project.dir, 'stopped.json'), 'utf8')) as ReportJson;
      expect(report.summary.total).toBe(12);
      expect(report.summary.interrupted).toBeGreaterThan(0);
      expect(report.summary.skipped).toBeGreaterThan(0);
      expect(report.summary.succeeded + report.summary.interrupted + report.summary.skipped).toBe(12);
      for (const target of report.targets) {
        const db = new DatabaseSync(path.join(project.dir, target.name));
        const hasTable = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'slow'").get() as { n: number };
        db.close();
        // Succeeded: committed whole. Interrupted: rolled back whole. Skipped: never touched.
        expect({ name: target.name, table: hasTable.n }).toEqual({ name: target.name, table: target.status === 'succeeded' ? 1 : 0 });
      }
      const resumed = await cgmigrate(['upgrade', 'head', '--targets', 'sqlite:///tenants/*.db', '--only-failed', 'stopped.json', '--json'], { cwd: project.dir });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.json<ReportJson>().summary.total).toBe(12 - report.summary.succeeded);
    } finally {
      project.cleanup();
    }
  }, 60_000);
});

describe('every command that takes --targets', () => {
  it('current, check, lint, verify, stamp and downgrade run per target with one report shape and exit statuses that say what they found', async () => {
    const project = tempProject();
    try {
      const versions = path.join(project.dir, 'migrations', 'versions');
      mkdirSync(versions, { recursive: true });
      mkdirSync(path.join(project.dir, 'tenants'));
      const write = (rev: string, down: string | null, up: string, undo: string): void =>
        writeFileSync(
          path.join(versions, `${rev}.ts`),
          `export default {\n  revision: '${rev}',\n  downRevision: ${down === null ? 'null' : `'${down}'`},\n  async up(op) { await op.execute(${JSON.stringify(up)}); },\n  async down(op) { await op.execute(${JSON.stringify(undo)}); },\n};\n`,
        );
      write('c1', null, 'CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(50))', 'DROP TABLE accounts');
      write('c2', 'c1', 'CREATE TABLE scans (id INTEGER PRIMARY KEY)', 'DROP TABLE scans');
      write('c3', 'c2', 'DROP TABLE accounts', 'CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(50))');
      for (let n = 1; n <= 6; n++) new DatabaseSync(path.join(project.dir, 'tenants', `${id(n)}.db`)).close();
      const run = (args: readonly string[]) => cgmigrate([...args, '--targets', 'sqlite:///tenants/*.db'], { cwd: project.dir });
      const report = (result: RunResult) => result.json<ReportJson>();

      // Half the fleet at c2, half at base.
      const halfway = await cgmigrate(['upgrade', 'c2', '--targets', 'sqlite:///tenants/f00[1-3].db', '--lint', 'off'], { cwd: project.dir });
      expect(halfway.code, halfway.stderr).toBe(0);

      const current = await run(['current']);
      expect(current.code, current.stderr).toBe(0);
      expect(current.stdout.trim().split('\n')).toEqual(['tenants/f001.db\tc2', 'tenants/f002.db\tc2', 'tenants/f003.db\tc2', 'tenants/f004.db\tbase', 'tenants/f005.db\tbase', 'tenants/f006.db\tbase']);

      // check: every tenant is behind, so every one fails with DB_NOT_UP_TO_DATE.
      const check = await run(['check', '--json']);
      expect(check.code).toBe(1);
      expect(report(check).targets.map((target) => [target.name, target.status, target.error?.code])).toEqual(
        [1, 2, 3, 4, 5, 6].map((n) => [`tenants/${id(n)}.db`, 'failed', 'DB_NOT_UP_TO_DATE']),
      );

      // lint: what each would run next. The tenants at c2 would drop a table they hold (an error by default);
      // at base, accounts is created by a revision of the same run, so dropping it is no finding.
      const lint = await run(['lint', '--json']);
      expect(lint.code).toBe(1);
      expect(report(lint).targets.map((target) => [target.name, target.status, target.error?.code])).toEqual([
        ...[1, 2, 3].map((n) => [`tenants/${id(n)}.db`, 'failed', 'LINT_FAILED']),
        ...[4, 5, 6].map((n) => [`tenants/${id(n)}.db`, 'succeeded', undefined]),
      ]);
      expect(report(lint).targets[0]!.error!.message).toContain('DROP_TABLE');

      // verify: each group of tenants at the same revisions is verified once from where it is, on a throwaway
      // database, never on a tenant: from c2 the lint's error fails it, from base there is none.
      const verify = await run(['verify', '--json']);
      expect(verify.code).toBe(1);
      expect(report(verify).targets.map((target) => [target.name, target.status, target.error?.code])).toEqual([
        ...[1, 2, 3].map((n) => [`tenants/${id(n)}.db`, 'failed', 'VERIFY_LINT']),
        ...[4, 5, 6].map((n) => [`tenants/${id(n)}.db`, 'succeeded', undefined]),
      ]);
      // The tenant at base has no version table still: verify never touched it.
      expect(versionRows(path.join(project.dir, 'tenants', 'f004.db'))).toBeUndefined();

      const stamp = await run(['stamp', 'c3', '--json']);
      expect(stamp.code, stamp.stderr).toBe(0);
      expect(report(stamp).targets.every((target) => target.revisions?.[0] === 'c3')).toBe(true);

      // stamp recorded c3 without running it, so c3's down() (which creates accounts again) fails where c1 had
      // made accounts, and rolls back there, and runs where nothing had run.
      const downgrade = await run(['downgrade', 'c2', '--json']);
      expect(downgrade.code).toBe(1);
      expect(report(downgrade).targets.map((target) => [target.name, target.status, target.error?.code, target.revisions])).toEqual([
        ...[1, 2, 3].map((n) => [`tenants/${id(n)}.db`, 'failed', 'MIGRATION_FAILED', ['c3']]),
        ...[4, 5, 6].map((n) => [`tenants/${id(n)}.db`, 'succeeded', undefined, ['c2']]),
      ]);
    } finally {
      project.cleanup();
    }
  }, 120_000);
});
