/**
 * The pre-deployment script of docs/ci-cd.md, `docs/examples/pre-deploy.sh`, run as it is
 * (the document's copy must be the same file) with the built CLI installed as a user
 * would have it: as the project's devDependency (`node_modules/.bin/cgmigrate`), or
 * globally (a `cgmigrate` on PATH), never both, and with no other `cgmigrate` on PATH.
 * Each situation the document's table lists ends with its exit status and its message.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { blocksRunBy } from '../../../../tools/docs/fenced-blocks.js';
import { createTestDatabase } from '../../../../tools/test-db/postgres.js';
import { BIN, startCgmigrate, tempProject, versionRows, testMigrationSource } from './cli.js';

const SCRIPT = fileURLToPath(new URL('../../../../docs/examples/pre-deploy.sh', import.meta.url));
const UNREACHABLE_PG = 'postgresql://deploy:s3cret-pw@127.0.0.1:1/cloudguard';

type Install = 'local' | 'global' | 'none';
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Migration {
  readonly id: string;
  readonly parent: string | null;
  readonly up: readonly string[];
  readonly transactional?: false;
  /** A statement to run only when the SLOW environment variable is set. */
  readonly slow?: string;
}

const CREATE_ACCOUNTS: Migration = { id: 'a1', parent: null, up: ['CREATE TABLE accounts (id INTEGER PRIMARY KEY)'] };

/**
 * A project with migrations and a `cgmigrate.config.json`, and cgmigrate installed the
 * `install` way: `local` links `node_modules/.bin/cgmigrate` to the build, as npm does;
 * `global` puts a `cgmigrate` wrapper in a bin folder of its own on PATH.
 */
function deployProject(install: Install, migrations: readonly Migration[], config: Record<string, unknown>) {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  for (const m of migrations) writeMigration(dir, m);
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify(config));
  // Node 24 (this one) and the system's tools; no workspace node_modules/.bin with its cgmigrate.
  const searchPath = [path.dirname(process.execPath), '/usr/bin', '/bin'];
  if (install === 'local') {
    mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(BIN, path.join(dir, 'node_modules', '.bin', 'cgmigrate'));
  } else if (install === 'global') {
    const bin = path.join(dir, '.global-bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'cgmigrate'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
    searchPath.unshift(bin);
  }
  return { dir, env: { PATH: searchPath.join(path.delimiter) } };
}

function writeMigration(dir: string, m: Migration): void {
  const statements = [
    ...m.up.map((sql) => `    await op.execute(${JSON.stringify(sql)});`),
    ...(m.slow ? [`    if (process.env.SLOW) await op.execute(${JSON.stringify(m.slow)});`] : []),
  ];
  writeFileSync(path.join(dir, 'migrations', 'versions', `${m.id}.ts`), testMigrationSource({ ...m, up: statements.join('\n') }));
}

interface ScriptRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the script with bash in `cwd`, with only `env` (PATH) and `NO_COLOR` besides HOME. */
function predeploy(cwd: string, env: Record<string, string>): Promise<ScriptRun> {
  const environment = { HOME: cwd, NO_COLOR: '1', ...env };
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT], { cwd, env: environment, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('docs/ci-cd.md pre-deployment script', () => {
  it('is shown in the document as it is in docs/examples/pre-deploy.sh', () => {
    const [shown] = blocksRunBy('docs/ci-cd.md', 'packages/cli/tests/e2e/ci-script.e2e.test.ts');
    expect(shown!.body).toBe(readFileSync(SCRIPT, 'utf8'));
  });

  for (const install of ['local', 'global'] as const) {
    describe(`with a ${install} install`, () => {
      it('upgrades pending revisions of an SQLite database and exits 0, then has nothing to do', async () => {
        const { dir, env } = deployProject(install, [CREATE_ACCOUNTS], { url: 'sqlite:///app.db' });
        const first = await predeploy(dir, env);
        expect(first.code, first.stderr).toBe(0);
        expect(first.stdout).toMatch(/^Database before: none\n(.*\n)*Database after: a1 \(head\)\n$/);
        expect(first.stderr).toContain('Running upgrade  -> a1, migration a1');
        expect(versionRows(path.join(dir, 'app.db'))).toEqual(['a1']);
        const second = await predeploy(dir, env);
        expect(second.code, second.stderr).toBe(0);
        expect(second.stdout).toBe('Database before: a1 (head)\nNothing to migrate.\n');
      });

      it('says the failing migration was rolled back, and that the run committed nothing before it, when one fails in its transaction', async () => {
        const { dir, env } = deployProject(
          install,
          [CREATE_ACCOUNTS, { id: 'b2', parent: 'a1', up: ['CREATE TABLE scans (id INTEGER)', 'INSERT INTO no_such_table VALUES (1)'] }],
          { url: 'sqlite:///app.db' },
        );
        const run = await predeploy(dir, env);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain('cgmigrate upgrade: Error [MIGRATION_FAILED]: Upgrade of revision b2');
        // a1 and b2 ran in one transaction (Alembic's default), so a1 was rolled back too
        expect(run.stderr).toContain(
          'Migration b2 failed and its transaction was rolled back: nothing of it remains.\nThis run committed no revision before it. Stopping the deploy.\n',
        );
        expect(run.stderr).not.toContain('may have committed');
        expect(versionRows(path.join(dir, 'app.db')) ?? []).toEqual([]);
      });

      it('stops with DATABASE_ERROR and says nothing was migrated when PostgreSQL cannot be reached, never showing the password', async () => {
        const { dir, env } = deployProject(install, [CREATE_ACCOUNTS], { url: UNREACHABLE_PG });
        const run = await predeploy(dir, env);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('Database before: unknown\n');
        expect(run.stderr).toContain('cgmigrate check: Error [DATABASE_ERROR]: ');
        expect(run.stderr).toContain('The database could not be reached or refused cgmigrate; nothing was migrated. Stopping the deploy.\n');
        expect(run.stderr).toMatch(/\nHint: Check that the database is running and reachable/);
        expect(run.stderr).not.toContain('rolled back');
        expect(run.stdout + run.stderr).not.toContain('s3cret-pw');
      });
    });
  }

  it('says statements may have committed when a transactional: false migration fails', async () => {
    const { dir, env } = deployProject(
      'local',
      [CREATE_ACCOUNTS, { id: 'b2', parent: 'a1', transactional: false, up: ['CREATE TABLE scans (id INTEGER)', 'INSERT INTO no_such_table VALUES (1)'] }],
      { url: 'sqlite:///app.db' },
    );
    const run = await predeploy(dir, env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Migration b2 failed outside a transaction (transactional: false, or a database whose DDL commits by itself): ' +
        'the statements it ran before the failure may have committed. Check the schema and repair it by hand before deploying again.\n' +
        'The revisions this run committed before it stay applied: a1. Stopping the deploy.\n',
    );
    expect(run.stderr).not.toContain('its transaction was rolled back');
  });

  it('migrates a reachable PostgreSQL database, then stops on a failing migration there', { tags: ['postgres'] }, async () => {
    const db = await createTestDatabase('cgm_predeploy');
    cleanups.push(() => db.drop());
    const { dir, env } = deployProject('global', [CREATE_ACCOUNTS], { url: db.url });
    const first = await predeploy(dir, env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Database before: none\n(.*\n)*Database after: a1 \(head\)\n$/);

    writeMigration(dir, { id: 'b2', parent: 'a1', up: ['CREATE TABLE scans (id INTEGER)', 'SELECT * FROM no_such_table'] });
    const second = await predeploy(dir, env);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('Database before: a1\n');
    expect(second.stderr).toContain('Migration b2 failed and its transaction was rolled back: nothing of it remains.\nThis run committed no revision before it.');
  });

  it('says another run held the lock when upgrade times out waiting for it', async () => {
    const slow = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT max(x) FROM c';
    const { dir, env } = deployProject('local', [{ ...CREATE_ACCOUNTS, slow }], { url: 'sqlite:///app.db', lockTimeout: 'fail' });
    const holder = startCgmigrate(['upgrade', 'head'], { cwd: dir, env: { SLOW: '1' } });
    try {
      await holder.until('Running upgrade  -> a1');
      const run = await predeploy(dir, env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('cgmigrate upgrade: Error [LOCK_TIMEOUT]: ');
      expect(run.stderr).toContain('Another cgmigrate run held the migration lock until the timeout; this run migrated nothing.');
    } finally {
      holder.child.kill('SIGKILL');
      await holder.done;
    }
  });

  it('stops with 2 on a bad URL, before touching anything', async () => {
    const { dir, env } = deployProject('local', [CREATE_ACCOUNTS], { url: 'localhost/cloudguard' });
    const run = await predeploy(dir, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cgmigrate check: Error [INVALID_URL]');
    expect(run.stderr).toContain('cgmigrate cannot run here (configuration, URL, migration files or revisions); nothing was migrated.');
  });

  it('stops with 1 when an applied migration was edited, listing the problem', async () => {
    const { dir, env } = deployProject('local', [CREATE_ACCOUNTS], { url: 'sqlite:///app.db' });
    expect((await predeploy(dir, env)).code).toBe(0);
    appendFileSync(path.join(dir, 'migrations', 'versions', 'a1.ts'), '// edited after the deploy\n');
    const run = await predeploy(dir, env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('The database is at head, but check still reports the problems above; stopping.');
    expect(run.stdout).toMatch(/Migration a1 .* was changed after it was applied/);
  });

  it('stops with 2 when cgmigrate is installed neither in the project nor on PATH', async () => {
    const { dir, env } = deployProject('none', [CREATE_ACCOUNTS], { url: 'sqlite:///app.db' });
    const run = await predeploy(dir, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('cgmigrate is not installed: no node_modules/.bin/cgmigrate here and none on PATH; stopping.\n');
  });
});
