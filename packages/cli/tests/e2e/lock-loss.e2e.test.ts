// @module-tag postgres
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { startCgmigrate, tempProject, type RunningCgmigrate, testMigrationSource } from './cli.js';

/**
 * The PostgreSQL migration lock is never lost in silence: a session the server ends
 * (idle_session_timeout, pg_terminate_backend) either does not happen to the lock's
 * session, or stops the run that held it, and no migration is applied twice.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface MigrationSpec {
  readonly id: string;
  readonly parent: string | null;
  readonly transactional?: false;
  /** The body of `up(op)`. */
  readonly up: string;
}

/** Sleeps in the migration's own process: the session is idle meanwhile (in its transaction, or between statements). */
const SLEEP = 'await new Promise((resolve) => setTimeout(resolve, 2500));';

function project(url: string, migrations: readonly MigrationSpec[]): string {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  for (const m of migrations) {
    writeFileSync(path.join(dir, 'migrations', 'versions', `${m.id}.ts`), testMigrationSource({ ...m, up: `    ${m.up}` }));
  }
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify({ url }));
  return dir;
}

async function freshPostgres(): Promise<TestDatabase> {
  const db = await createTestDatabase('cgm_lock_loss');
  cleanups.push(() => db.drop());
  return db;
}

/** The backend holding the migration lock (the only granted advisory lock in the test database). */
async function lockHolderPid(url: string): Promise<number> {
  const rows = await queryTestDatabase<{ pid: number }>(
    url,
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.pid;
}

/** Starts `cgmigrate`, killed at the end of the test if it still runs. */
function start(args: string[], cwd: string): RunningCgmigrate {
  const run = startCgmigrate(args, { cwd });
  cleanups.push(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  });
  return run;
}

/** Every claim of a rollback a run may print: none may appear where nothing was rolled back. */
const ROLLBACK_CLAIM = /rolled back/i;

describe('PostgreSQL: the migration lock is never lost in silence', () => {
  it("issue 16's reproduction: idle_session_timeout = '1s' on the database, a transactional: false migration that inserts a row and sleeps 2.5 s, two runners at once: the row is inserted once", async () => {
    const db = await freshPostgres();
    await queryTestDatabase(db.url, `ALTER DATABASE "${db.name}" SET idle_session_timeout = '1s'`);
    const cwd = project(db.url, [
      { id: 'r001', parent: null, up: "await op.execute('CREATE TABLE marks (pid int)');" },
      { id: 'r002', parent: 'r001', transactional: false, up: `await op.execute('INSERT INTO marks VALUES (pg_backend_pid())'); ${SLEEP}` },
    ]);
    const runs = await Promise.all([start(['upgrade', 'head'], cwd).done, start(['upgrade', 'head'], cwd).done]);

    expect(await queryTestDatabase(db.url, 'SELECT count(*)::int AS n FROM marks')).toEqual([{ n: 1 }]);
    expect(await queryTestDatabase(db.url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: 'r002' }]);
    // The lock's session is kept from idle_session_timeout, so it is never lost: one runner applies, the other waits.
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(ROLLBACK_CLAIM);
    }
    expect(runs.filter((run) => run.stderr.includes('Running upgrade r001 -> r002'))).toHaveLength(1);
    expect(runs.filter((run) => run.stderr.includes('Nothing to do: the database is already at r002.'))).toHaveLength(1);
  }, 60_000);

  it('pg_terminate_backend of the lock-holding backend during a migration: that run exits 1 with LOCK_LOST and commits nothing; the waiting runner applies the migration once', async () => {
    const db = await freshPostgres();
    const cwd = project(db.url, [
      { id: 'r001', parent: null, up: "await op.execute('CREATE TABLE marks (pid int)');" },
      { id: 'r002', parent: 'r001', up: `await op.execute('INSERT INTO marks VALUES (pg_backend_pid())'); ${SLEEP}` },
    ]);
    const first = start(['upgrade', 'head'], cwd);
    await first.until('Running upgrade r001 -> r002');
    const second = start(['upgrade', 'head'], cwd);
    const holder = await lockHolderPid(db.url);
    await queryTestDatabase(db.url, `SELECT pg_terminate_backend(${holder})`);
    const [lost, next] = await Promise.all([first.done, second.done]);

    expect(lost.code, lost.stderr).toBe(1);
    expect(lost.stderr).toMatch(
      new RegExp(`^Error \\[LOCK_LOST\\]: The migration lock was lost: the lock's session \\(pid ${holder}\\) has ended`, 'm'),
    );
    expect(lost.stderr).toContain('Nothing was committed. Not committed: r001, r002.');
    expect(lost.stderr).toMatch(/^Hint: .*another cgmigrate run/m);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('Running upgrade r001 -> r002');
    expect(await queryTestDatabase(db.url, 'SELECT count(*)::int AS n FROM marks')).toEqual([{ n: 1 }]);
    expect(await queryTestDatabase(db.url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: 'r002' }]);
    expect(await queryTestDatabase(db.url, 'SELECT revision FROM cgmigrate_audit ORDER BY id')).toEqual([{ revision: 'r001' }, { revision: 'r002' }]);
  }, 60_000);

  it('pg_terminate_backend during a transactional: false migration: its later statements do not run, the run fails without claiming a rollback', async () => {
    const db = await freshPostgres();
    const cwd = project(db.url, [
      { id: 'r001', parent: null, up: "await op.execute('CREATE TABLE marks (step text)');" },
      {
        id: 'r002',
        parent: 'r001',
        transactional: false,
        up: `await op.execute("INSERT INTO marks VALUES ('before')"); ${SLEEP} await op.execute("INSERT INTO marks VALUES ('after')");`,
      },
    ]);
    const first = start(['upgrade', 'head'], cwd);
    await first.until('Running upgrade r001 -> r002');
    await queryTestDatabase(db.url, `SELECT pg_terminate_backend(${await lockHolderPid(db.url)})`);
    const failed = await first.done;

    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/^Error \[(MIGRATION_FAILED|LOCK_LOST)\]: .*r002/m);
    expect(failed.stderr).not.toContain("The failing migration's changes were rolled back");
    expect(failed.stderr).toMatch(/transactional: false/);
    // The statement after the session ended never ran; the one before it committed, as in any failed transactional: false migration.
    expect(await queryTestDatabase(db.url, 'SELECT step FROM marks')).toEqual([{ step: 'before' }]);
    expect(await queryTestDatabase(db.url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: 'r001' }]);
  }, 60_000);
});
