import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { BIN, cgmigrate, fails, MODES, tempProject, type RunResult } from './cli.js';

/** Concurrent deploys: several runners on one fresh database, and what a runner that cannot wait is told. */

const RUNNERS = 8;
const MIGRATIONS = 20;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const id = (n: number) => `r${String(n).padStart(3, '0')}`;

/**
 * A project of `count` linear migrations; each creates its own table and logs itself in
 * `applied_log`, so a migration applied twice shows as a duplicate row (or a failure on
 * its table). With `SLOW_MIGRATION=<id>` in the environment that migration then sleeps.
 */
function project(count: number, config: Record<string, unknown>, sleepSql: string): string {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  for (let n = 1; n <= count; n++) {
    writeFileSync(
      path.join(dir, 'migrations', 'versions', `${id(n)}.ts`),
      `export default {
  revision: '${id(n)}',
  downRevision: ${n === 1 ? 'null' : `'${id(n - 1)}'`},
  message: 'step ${n}',
  async up(op) {
    await op.execute('CREATE TABLE IF NOT EXISTS applied_log (revision VARCHAR(32) NOT NULL)');
    await op.execute('CREATE TABLE t_${id(n)} (id INTEGER)');
    await op.execute('INSERT INTO applied_log (revision) VALUES (?)', ['${id(n)}']);
    if (process.env.SLOW_MIGRATION === '${id(n)}') await op.execute(${JSON.stringify(sleepSql)});
  },
};
`,
    );
  }
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify(config));
  return dir;
}

function sqliteRows<T>(file: string, sql: string): T[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

async function freshPostgres(): Promise<TestDatabase> {
  const db = await createTestDatabase('cgm_deploy_conc');
  cleanups.push(() => db.drop());
  return db;
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

function expectAllSucceeded(runs: readonly RunResult[]): void {
  for (const run of runs) expect(run.code, run.stderr).toBe(0);
  // Exactly one runner applied everything; the others found nothing to do.
  const applied = runs.filter((run) => run.stderr.includes('Running upgrade'));
  expect(applied).toHaveLength(1);
  expect(applied[0]!.stderr.match(/Running upgrade/g)).toHaveLength(MIGRATIONS);
  expect(runs.filter((run) => run.stderr.includes(`Nothing to do: the database is already at ${id(MIGRATIONS)}.`))).toHaveLength(RUNNERS - 1);
}

const everyOnce = Array.from({ length: MIGRATIONS }, (_, i) => ({ revision: id(i + 1), n: 1 }));

describe(`${RUNNERS} runners of upgrade head at once on a fresh database with ${MIGRATIONS} migrations`, () => {
  it('PostgreSQL: all exit 0, each migration is applied exactly once, the version table is at head', { tags: ['postgres'], timeout: 120_000 }, async () => {
    const db = await freshPostgres();
    const cwd = project(MIGRATIONS, { url: db.url }, 'SELECT 1');
    const runs = await Promise.all(Array.from({ length: RUNNERS }, () => cgmigrate(['upgrade', 'head'], { cwd })));
    expectAllSucceeded(runs);
    expect(await queryTestDatabase(db.url, 'SELECT revision, count(*)::int AS n FROM applied_log GROUP BY revision ORDER BY revision')).toEqual(everyOnce);
    expect(await queryTestDatabase(db.url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: id(MIGRATIONS) }]);
    expect(await queryTestDatabase(db.url, 'SELECT count(*)::int AS n FROM cgmigrate_audit')).toEqual([{ n: MIGRATIONS }]);
  });

  it('SQLite: all exit 0, each migration is applied exactly once, the version table is at head', async () => {
    const cwd = project(MIGRATIONS, { url: 'sqlite:///app.db' }, 'SELECT 1');
    const file = path.join(cwd, 'app.db');
    const runs = await Promise.all(Array.from({ length: RUNNERS }, () => cgmigrate(['upgrade', 'head'], { cwd })));
    expectAllSucceeded(runs);
    expect(sqliteRows(file, 'SELECT revision, count(*) AS n FROM applied_log GROUP BY revision ORDER BY revision')).toEqual(everyOnce);
    expect(sqliteRows(file, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: id(MIGRATIONS) }]);
    expect(sqliteRows(file, 'SELECT count(*) AS n FROM cgmigrate_audit')).toEqual([{ n: MIGRATIONS }]);
  }, 120_000);
});

describe("a runner that may not wait (lockTimeout: 'fail') while another migrates", () => {
  it.each(MODES)('PostgreSQL, %s mode: LOCK_TIMEOUT names the session that holds the lock, exit 1', { tags: ['postgres'], timeout: 60_000 }, async (mode) => {
    const db = await freshPostgres();
    const cwd = project(2, { url: db.url, lockTimeout: 'fail' }, 'SELECT pg_sleep(30)');
    const holder = await startUntil(['upgrade', 'head'], cwd, { SLOW_MIGRATION: id(2) }, `Running upgrade ${id(1)} -> ${id(2)}`);
    const { message, hint } = await fails(mode, ['upgrade', 'head'], cwd, { code: 'LOCK_TIMEOUT', exit: 1 });
    expect(message).toMatch(
      new RegExp(`^Could not take the migration lock within \\d+ ms; it is held by pid \\d+, application_name 'cgmigrate', user postgres, client `),
    );
    expect(message).toMatch(/connected since \d{4}-\d\d-\d\dT/);
    expect(hint).toContain('lockTimeout');
    holder.kill('SIGKILL');
  });

  it.each(MODES)('SQLite, %s mode: LOCK_TIMEOUT names the process that holds the lock, exit 1', async (mode) => {
    const cwd = project(2, { url: 'sqlite:///app.db', lockTimeout: 'fail' }, longSqliteStatement(200_000_000));
    const holder = await startUntil(['upgrade', 'head'], cwd, { SLOW_MIGRATION: id(2) }, `Running upgrade ${id(1)} -> ${id(2)}`);
    const { message } = await fails(mode, ['upgrade', 'head'], cwd, { code: 'LOCK_TIMEOUT', exit: 1 });
    expect(message).toMatch(new RegExp(`^Could not take the migration lock within \\d+ ms; it is held by pid ${holder.pid} on `));
    holder.kill('SIGKILL');
  }, 60_000);
});

/** One SQLite statement that runs for seconds (a recursive count). */
function longSqliteStatement(rows: number): string {
  return `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${rows}) SELECT count(*) FROM c`;
}
