import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { BIN, cgmigrate, fails, MODES, tempProject } from './cli.js';

/**
 * Deploys that go wrong: a failing statement, a runner killed mid-migration, a table
 * lock that is not free in time, a migration that must run outside a transaction,
 * and a migration edited after it was applied. All through the built CLI on real
 * databases.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Migration {
  readonly id: string;
  readonly parent: string | null;
  /** Statements of `up`; `{ slow }` runs only when the SLOW environment variable is set. */
  readonly up: readonly (string | { readonly slow: string })[];
  readonly transactional?: boolean;
}

function project(migrations: readonly Migration[], config: Record<string, unknown>): string {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  for (const m of migrations) writeMigration(dir, m);
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify(config));
  return dir;
}

function migrationPath(dir: string, id: string): string {
  return path.join(dir, 'migrations', 'versions', `${id}.ts`);
}

function writeMigration(dir: string, m: Migration): void {
  const statements = m.up
    .map((s) =>
      typeof s === 'string'
        ? `    await op.execute(${JSON.stringify(s)});`
        : `    if (process.env.SLOW) await op.execute(${JSON.stringify(s.slow)});`,
    )
    .join('\n');
  writeFileSync(
    migrationPath(dir, m.id),
    `export default {
  revision: '${m.id}',
  downRevision: ${m.parent === null ? 'null' : `'${m.parent}'`},
  message: 'migration ${m.id}',
${m.transactional === false ? '  transactional: false,\n' : ''}  async up(op) {
${statements}
  },
};
`,
  );
}

async function freshPostgres(): Promise<TestDatabase> {
  const db = await createTestDatabase('cgm_deploy_fail');
  cleanups.push(() => db.drop());
  return db;
}

const pgVersions = async (url: string) => {
  const [{ exists } = { exists: false }] = await queryTestDatabase<{ exists: boolean }>(url, "SELECT to_regclass('alembic_version') IS NOT NULL AS exists");
  if (!exists) return [];
  return (await queryTestDatabase<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version ORDER BY 1')).map((r) => r.version_num);
};
const pgTables = async (url: string) =>
  (
    await queryTestDatabase<{ name: string }>(url, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
  ).map((r) => r.name);

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(100);
  }
}

/** Starts the CLI and resolves once its stderr shows `marker`; the caller ends it. */
async function startUntil(args: string[], cwd: string, env: Record<string, string>, marker: string): Promise<ChildProcess> {
  const childEnv: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  delete childEnv['FORCE_COLOR'];
  delete childEnv['DATABASE_URL'];
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes(marker)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`cgmigrate exited with ${code} before '${marker}':\n${stderr}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('a migration that fails at its second statement (PostgreSQL)', { tags: ['postgres'] }, () => {
  it.each(MODES)('%s mode: rolls back its first statement, keeps the version, exits 1 naming revision, file, statement and cause', async (mode) => {
    const db = await freshPostgres();
    const cwd = project(
      [
        { id: 'r001', parent: null, up: ['CREATE TABLE accounts (id int)'] },
        { id: 'r002', parent: 'r001', up: ['CREATE TABLE half_done (id int)', 'INSERT INTO   nowhere\n  VALUES (1)'] },
      ],
      { url: db.url },
    );
    expect((await cgmigrate(['upgrade', 'r001'], { cwd })).code).toBe(0);

    const { message, hint } = await fails(mode, ['upgrade', 'head'], cwd, { code: 'MIGRATION_FAILED', exit: 1 });
    expect(message).toBe(
      `Upgrade of revision r002 (${migrationPath(cwd, 'r002')}) failed at statement: INSERT INTO nowhere VALUES (1): ` +
        'relation "nowhere" does not exist',
    );
    expect(hint).toContain('rolled back');
    expect(await pgTables(db.url)).toEqual(['accounts', 'alembic_version', 'cgmigrate_audit']);
    expect(await pgVersions(db.url)).toEqual(['r001']);
  }, 60_000);
});

describe('a runner killed during a migration (SIGKILL)', () => {
  it('PostgreSQL: the run is rolled back, the lock and the server session freed, and the next upgrade reaches head', { tags: ['postgres'], timeout: 60_000 }, async () => {
    const db = await freshPostgres();
    const cwd = project(
      [
        { id: 'r001', parent: null, up: ['CREATE TABLE accounts (id int)'] },
        { id: 'r002', parent: 'r001', up: ['CREATE TABLE scans (id int)', { slow: 'SELECT pg_sleep(30)' }] },
        { id: 'r003', parent: 'r002', up: ['ALTER TABLE scans ADD COLUMN duration_ms int'] },
      ],
      { url: db.url, lockTimeout: 'fail' },
    );
    const runner = await startUntil(['upgrade', 'head'], cwd, { SLOW: '1' }, 'Running upgrade r001 -> r002');
    expect(await eventually(async () => (await queryTestDatabase(db.url, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'")).length > 0, 5000)).toBe(true);
    await kill(runner);

    // The server notices the client is gone within client_connection_check_interval (1 s): it cancels the
    // sleeping statement instead of running its 30 s, and ends the session with the advisory lock it holds.
    expect(
      await eventually(async () => (await queryTestDatabase(db.url, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).length === 0, 3000),
    ).toBe(true);
    expect(
      await eventually(async () => (await queryTestDatabase(db.url, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cgmigrate'")).length === 0, 5000),
    ).toBe(true);
    // One transaction for the whole run: r001 went with r002, schema and version agree.
    expect(await pgVersions(db.url)).toEqual([]);
    expect(await pgTables(db.url)).not.toContain('accounts');

    // lockTimeout 'fail': this run would fail if the killed runner's lock were still held.
    const again = await cgmigrate(['upgrade', 'head'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(await pgVersions(db.url)).toEqual(['r003']);
    expect(await pgTables(db.url)).toEqual(['accounts', 'alembic_version', 'cgmigrate_audit', 'scans']);
    expect(await queryTestDatabase(db.url, "SELECT 1 FROM information_schema.columns WHERE table_name = 'scans' AND column_name = 'duration_ms'")).toHaveLength(1);
  });

  it('SQLite: the hot journal is rolled back, the lock file freed, and the next upgrade reaches head', async () => {
    const cwd = project(
      [
        { id: 'r001', parent: null, up: ['CREATE TABLE accounts (id INTEGER)'] },
        {
          id: 'r002',
          parent: 'r001',
          up: [
            'CREATE TABLE scans (id INTEGER)',
            'INSERT INTO scans VALUES (1)',
            {
              slow:
                'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) ' +
                'INSERT INTO scans SELECT x FROM c',
            },
          ],
        },
        { id: 'r003', parent: 'r002', up: ['ALTER TABLE scans ADD COLUMN duration_ms INTEGER'] },
      ],
      { url: 'sqlite:///app.db', lockTimeout: 'fail' },
    );
    const runner = await startUntil(['upgrade', 'head'], cwd, { SLOW: '1' }, 'Running upgrade r001 -> r002');
    await sleep(500);
    await kill(runner);
    // Killed inside the transaction: its rollback journal is left for the next connection to undo.
    expect(existsSync(path.join(cwd, 'app.db-journal'))).toBe(true);

    const again = await cgmigrate(['upgrade', 'head'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    const db = new DatabaseSync(path.join(cwd, 'app.db'), { readOnly: true });
    try {
      expect(db.prepare('SELECT version_num FROM alembic_version').all()).toEqual([{ version_num: 'r003' }]);
      // Only the rows of the second, complete run: the killed run's inserts were rolled back.
      expect(db.prepare('SELECT count(*) AS n FROM scans').all()).toEqual([{ n: 1 }]);
      expect(db.prepare("SELECT revision, direction FROM cgmigrate_audit ORDER BY id").all()).toEqual([
        { revision: 'r001', direction: 'upgrade' },
        { revision: 'r002', direction: 'upgrade' },
        { revision: 'r003', direction: 'upgrade' },
      ]);
    } finally {
      db.close();
    }
  }, 60_000);
});

describe('a table lock that is not free in time (PostgreSQL, ?lock_timeout= in DATABASE_URL)', { tags: ['postgres'] }, () => {
  it('fails fast, retries with a warning, and succeeds once the blocker lets go', async () => {
    const db = await freshPostgres();
    await queryTestDatabase(db.url, 'CREATE TABLE scans (id int)');
    const cwd = project([{ id: 'r001', parent: null, up: ['ALTER TABLE scans ADD COLUMN duration_ms int'] }], {});
    const blocker = new pg.Client({ connectionString: db.url, application_name: 'blocker' });
    await blocker.connect();
    cleanups.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE scans IN ACCESS EXCLUSIVE MODE');

    // The blocker lets go once the first attempt has failed on lock_timeout (not after a fixed
    // delay, which a loaded machine can outlast), so the retry is what succeeds.
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', DATABASE_URL: `${db.url}?lock_timeout=100ms` };
    delete env['FORCE_COLOR'];
    const child = spawn(process.execPath, [BIN, 'upgrade', 'head'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    let released = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!released && stderr.includes('could not take a lock in time')) {
        released = true;
        void blocker.query('ROLLBACK');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code, stderr).toBe(0);
    expect(stderr).toContain(
      'Warning: Revision r001 could not take a lock in time (55P03: canceling statement due to lock timeout); ' +
        'its transaction was rolled back and runs again in 500 ms (attempt 2 of 3)',
    );
    expect(await pgVersions(db.url)).toEqual(['r001']);
  }, 60_000);
});

describe('transactional: false (PostgreSQL)', { tags: ['postgres'] }, () => {
  it('runs CREATE INDEX CONCURRENTLY after a transactional migration of the same run, and says it ran outside a transaction', async () => {
    const db = await freshPostgres();
    const cwd = project(
      [
        { id: 'r001', parent: null, up: ['CREATE TABLE findings (id int, severity text)', "INSERT INTO findings VALUES (1, 'high')"] },
        { id: 'r002', parent: 'r001', up: ['CREATE INDEX CONCURRENTLY findings_severity_ix ON findings (severity)'], transactional: false },
      ],
      { url: db.url },
    );
    const run = await cgmigrate(['upgrade', 'head'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Running upgrade  -> r001, migration r001\n');
    expect(run.stderr).toContain('Running upgrade r001 -> r002, migration r002 (outside a transaction)\n');
    expect(await pgVersions(db.url)).toEqual(['r002']);
    expect(
      await queryTestDatabase(db.url, "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'findings_severity_ix'"),
    ).toEqual([{ indisvalid: true }]);
  }, 60_000);
});

describe('a migration edited after it was applied', () => {
  it('upgrade warns on stderr; check lists it with pending revisions and exits 1, in human and --json modes', async () => {
    const cwd = project(
      [
        { id: 'r001', parent: null, up: ['CREATE TABLE accounts (id INTEGER)'] },
        { id: 'r002', parent: 'r001', up: ['CREATE TABLE scans (id INTEGER)'] },
      ],
      { url: 'sqlite:///app.db' },
    );
    expect((await cgmigrate(['upgrade', 'head'], { cwd })).code).toBe(0);
    const clean = await cgmigrate(['check'], { cwd });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toBe('');

    appendFileSync(migrationPath(cwd, 'r001'), '// tweaked after the deploy\n');
    writeMigration(cwd, { id: 'r003', parent: 'r002', up: ['CREATE TABLE alerts (id INTEGER)'] });

    const human = await cgmigrate(['check'], { cwd });
    expect(human.code).toBe(1);
    expect(human.stdout.split('\n')).toEqual([
      'Target database is not up to date: 1 revision is not applied (r003)',
      expect.stringMatching(
        new RegExp(`^Migration r001 \\(${migrationPath(cwd, 'r001').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\) was changed after it was applied on \\d{4}-.*: its SHA-256 was [0-9a-f]{12}, now [0-9a-f]{12}$`),
      ),
      '',
    ]);
    const json = await cgmigrate(['check', '--json'], { cwd });
    expect(json.code).toBe(1);
    const result = json.json<{ ok: boolean; pending: string[]; problems: { code: string; revision?: string }[] }>();
    expect(result).toMatchObject({ ok: false, pending: ['r003'] });
    expect(result.problems.map((p) => p.code)).toEqual(['DB_NOT_UP_TO_DATE', 'MIGRATION_EDITED']);
    expect(result.problems[1]).toMatchObject({ revision: 'r001', path: migrationPath(cwd, 'r001') });

    const upgrade = await cgmigrate(['upgrade', 'head'], { cwd });
    expect(upgrade.code).toBe(0);
    expect(upgrade.stderr).toMatch(/^Warning: Migration r001 \(.*\) was changed after it was applied on /m);
    expect(upgrade.stderr).toContain('Running upgrade r002 -> r003');
    // Still edited, no longer pending.
    const after = await cgmigrate(['check', '--json'], { cwd });
    expect(after.json<{ problems: { code: string }[] }>().problems.map((p) => p.code)).toEqual(['MIGRATION_EDITED']);
  }, 60_000);
});
