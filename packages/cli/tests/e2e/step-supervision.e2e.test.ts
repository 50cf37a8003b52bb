import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, startCgmigrate, tables, tempProject, versionRows, type RunningCgmigrate, type RunResult } from './cli.js';

/**
 * These tests are about how the runner supervises a step. `upgrade` first lints what it
 * will run, which runs r002's `up()` once offline before the step (its timers and
 * messages included), so they run without the lint; the lint's own bounds are tested in
 * lint.e2e.test.ts.
 */
const NO_LINT = ['--lint', 'off'];

/**
 * A migration that does something the runner must supervise: operations it does not
 * await, a promise that rejects with no handler, a timer that throws, `process.exit()`,
 * a step that never settles, SIGINT/SIGTERM in the middle of a run. Each through the
 * built CLI (its fast entry, and oclif where the entry matters) on a real SQLite file
 * and a real PostgreSQL database: the exit status, the message, and the version table
 * and tables as a user would find them.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Dialect = 'sqlite' | 'postgresql';
const DIALECTS: readonly Dialect[] = ['sqlite', 'postgresql'];
/** PostgreSQL's tests are skipped, with the reason, when the test command has no server for them. */
const DIALECT_TAGS: Record<Dialect, string[]> = { sqlite: [], postgresql: ['postgres'] };
/** The fast entry (default) and oclif (`CGMIGRATE_NO_FAST_PATH=1`). */
const ENTRIES = [
  { entry: 'fast entry', env: {} },
  { entry: 'oclif', env: { CGMIGRATE_NO_FAST_PATH: '1' } },
] as const;

interface Database {
  readonly url: string;
  versions(): Promise<string[]>;
  tables(): Promise<string[]>;
}

async function database(dialect: Dialect, dir: string): Promise<Database> {
  if (dialect === 'sqlite') {
    const file = path.join(dir, 'app.db');
    return { url: 'sqlite:///app.db', versions: async () => versionRows(file) ?? [], tables: async () => tables(file) };
  }
  const db = await createTestDatabase('cgm_step');
  cleanups.push(() => db.drop());
  return {
    url: db.url,
    versions: async () => {
      const [{ exists } = { exists: false }] = await queryTestDatabase<{ exists: boolean }>(
        db.url,
        "SELECT to_regclass('alembic_version') IS NOT NULL AS exists",
      );
      if (!exists) return [];
      return (await queryTestDatabase<{ version_num: string }>(db.url, 'SELECT version_num FROM alembic_version ORDER BY 1')).map((r) => r.version_num);
    },
    tables: async () =>
      (
        await queryTestDatabase<{ name: string }>(
          db.url,
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
        )
      ).map((r) => r.name),
  };
}

interface Project {
  readonly cwd: string;
  readonly db: Database;
  /** The file of revision r002, the one under test. */
  readonly r002: string;
}

/**
 * A project whose database is at r001 (table `accounts`), with r002 written from `body`
 * (the inside of `async up(op) { … }`) and `top` (statements before the export).
 */
async function projectAtR001(
  dialect: Dialect,
  r002: { body: string; top?: string; transactional?: boolean },
  config: Record<string, unknown> = {},
): Promise<Project> {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  const db = await database(dialect, dir);
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify({ url: db.url, ...config }));
  writeFileSync(
    path.join(versions, 'r001.ts'),
    "export default { revision: 'r001', downRevision: null, async up(op) { await op.execute('CREATE TABLE accounts (id int)'); } };\n",
  );
  const setup = await cgmigrate(['upgrade', 'r001'], { cwd: dir });
  expect(setup.code, setup.stderr).toBe(0);
  const file = path.join(versions, 'r002.ts');
  writeFileSync(
    file,
    `${r002.top ?? ''}
export default {
  revision: 'r002',
  downRevision: 'r001',
  message: 'under test',
${r002.transactional === false ? '  transactional: false,\n' : ''}  async up(op) {
${r002.body}
  },
};
`,
  );
  return { cwd: dir, db, r002: file };
}

/** What every failed step must leave: r001 and its table only, exit 1 with MIGRATION_FAILED, no stack trace. */
async function expectFailedStep(project: Project, run: RunResult): Promise<string> {
  expect(run.code, run.stderr).toBe(1);
  const line = run.stderr.split('\n').find((l) => l.startsWith('Error [MIGRATION_FAILED]: '));
  expect(line, run.stderr).toBeDefined();
  expect(line).toContain(`Upgrade of revision r002 (${project.r002}) failed`);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(await project.db.versions()).toEqual(['r001']);
  expect(await project.db.tables()).toEqual(['accounts', 'alembic_version', 'cgmigrate_audit']);
  return line!;
}

for (const dialect of DIALECTS) describe(`${dialect}: a step fails, and is rolled back, when`, { tags: DIALECT_TAGS[dialect] }, () => {
  it('an operation it did not await fails (and names the statement); the rerun fails again instead of "nothing to do"', async () => {
    const project = await projectAtR001(dialect, {
      body: `    op.execute('CREATE TABLE t2 (id int)');
    op.execute('INSERT INTO no_such_table VALUES (1)');
    op.execute('CREATE TABLE t3 (id int)');`,
    });
    const run = await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd });
    const line = await expectFailedStep(project, run);
    expect(line).toContain('at statement: INSERT INTO no_such_table VALUES (1): ');
    expect(line).toContain('this operation was not awaited');
    expect(run.stderr).toContain("Hint: The failing migration's changes were rolled back.");

    const again = await cgmigrate(['upgrade', 'head', '--json', ...NO_LINT], { cwd: project.cwd });
    expect(again.code).toBe(1);
    expect(again.json<{ error: { code: string; rolledBack: boolean; statement: string } }>().error).toMatchObject({
      code: 'MIGRATION_FAILED',
      rolledBack: true,
      statement: 'INSERT INTO no_such_table VALUES (1)',
    });
  });

  it('an operation it did not await is still running when up() returns', async () => {
    const slow = dialect === 'sqlite' ? 'CREATE TABLE t2 (id int)' : 'SELECT pg_sleep(0.3)';
    const project = await projectAtR001(dialect, { body: `    op.execute('CREATE TABLE t1 (id int)'); op.execute('${slow}');` });
    const run = await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd });
    if (dialect === 'sqlite') {
      // better-sqlite3 runs each statement before op.execute returns: nothing is left running, nothing failed.
      expect(run.code, run.stderr).toBe(0);
      return;
    }
    const line = await expectFailedStep(project, run);
    expect(line).toContain(`${slow} was not awaited`);
  });

  it('a promise rejects with no handler', async () => {
    const project = await projectAtR001(dialect, {
      body: "    await op.execute('CREATE TABLE t2 (id int)');\n    Promise.reject(new Error('stray failure'));",
    });
    const line = await expectFailedStep(project, await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd }));
    expect(line).toContain('a promise rejected and nothing handled it: stray failure');
  });

  it('a timer it set throws', async () => {
    const project = await projectAtR001(dialect, {
      body:
        "    await op.execute('CREATE TABLE t2 (id int)');\n" +
        "    setTimeout(() => { throw new Error('timer failure'); }, 0);\n" +
        '    await new Promise((resolve) => setTimeout(resolve, 200));',
    });
    const line = await expectFailedStep(project, await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd }));
    expect(line).toContain('an exception was thrown from a timer or callback and nothing caught it: timer failure');
  });

  it.each(ENTRIES)('up() calls process.exit(0) or process.exit(3) ($entry)', async ({ env }) => {
    for (const status of [0, 3]) {
      const project = await projectAtR001(dialect, { body: `    await op.execute('CREATE TABLE t2 (id int)');\n    process.exit(${status});` });
      const line = await expectFailedStep(project, await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd, env }));
      expect(line).toContain(`called process.exit(${status})`);
    }
  });

  it('it never settles and stepTimeout is set', async () => {
    const project = await projectAtR001(
      dialect,
      { body: "    await op.execute('CREATE TABLE t2 (id int)');\n    await new Promise(() => {});" },
      { stepTimeout: 500 },
    );
    const line = await expectFailedStep(project, await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd }));
    expect(line).toContain('up() did not settle within 500 ms (stepTimeout)');
  });

  it('it is transactional: false: the failure does not claim a rollback', async () => {
    const project = await projectAtR001(dialect, {
      transactional: false,
      body: "    await op.execute('CREATE TABLE t2 (id int)');\n    await op.execute('INSERT INTO no_such_table VALUES (1)');",
    });
    const run = await cgmigrate(['upgrade', 'head', '--json', ...NO_LINT], { cwd: project.cwd });
    expect(run.code).toBe(1);
    const { error } = run.json<{ error: { code: string; rolledBack: boolean; hint: string } }>();
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', rolledBack: false });
    expect(error.hint).toContain('may have committed: nothing was rolled back');
    expect(error.hint).not.toContain('were rolled back');
    // Its first statement committed on its own, as the message says it may have; the version did not move.
    expect(await project.db.tables()).toContain('t2');
    expect(await project.db.versions()).toEqual(['r001']);
  });
});

describe('SQLite: a step that never settles, without stepTimeout', () => {
  it('fails with a message saying so (not Node exit 13 "unsettled top-level await"), rolled back', async () => {
    const project = await projectAtR001('sqlite', { body: "    await op.execute('CREATE TABLE t2 (id int)');\n    await new Promise(() => {});" });
    for (const { env } of ENTRIES) {
      const run = await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd, env });
      const line = await expectFailedStep(project, run);
      expect(line).toContain('the migration awaited something that can never settle');
      expect(run.stderr).not.toContain('unsettled top-level await');
    }
  });
});

describe('process.exit() outside up() (SQLite)', () => {
  it.each(ENTRIES)('at a migration\'s top level: an error naming the file, nothing committed ($entry)', async ({ env }) => {
    for (const status of [0, 3]) {
      const project = await projectAtR001('sqlite', { top: `process.exit(${status});`, body: "    await op.execute('CREATE TABLE t2 (id int)');" });
      const run = await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd, env });
      expect(run.code, run.stderr).not.toBe(0);
      expect(run.code).not.toBe(status);
      expect(run.stderr).toContain(`Error [MALFORMED_MIGRATION]: Malformed migration ${project.r002}: `);
      expect(run.stderr).toContain(`called process.exit(${status})`);
      expect(await project.db.versions()).toEqual(['r001']);
      expect(await project.db.tables()).toEqual(['accounts', 'alembic_version', 'cgmigrate_audit']);
    }
  });

  it.each(ENTRIES)('in the config file: CONFIG_INVALID naming it, nothing run ($entry)', async ({ env }) => {
    for (const status of [0, 3]) {
      const project = await projectAtR001('sqlite', { body: "    await op.execute('CREATE TABLE t2 (id int)');" });
      const config = path.join(project.cwd, 'cgmigrate.config.ts');
      writeFileSync(config, `process.exit(${status});\nexport default { url: 'sqlite:///app.db' };\n`);
      const run = await cgmigrate(['upgrade', 'head', '--config', config, ...NO_LINT], { cwd: project.cwd, env });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`Error [CONFIG_INVALID]: Invalid configuration in ${config}: `);
      expect(run.stderr).toContain(`called process.exit(${status})`);
      expect(await project.db.versions()).toEqual(['r001']);
    }
  });
});

/** Starts `upgrade head` and resolves with the run once the migration under test printed `marker`. */
async function startUpgrade(cwd: string, marker: string): Promise<RunningCgmigrate> {
  const run = startCgmigrate(['upgrade', 'head', ...NO_LINT], { cwd, env: { SLOW: '1' } });
  cleanups.push(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  });
  await run.until(marker);
  return run;
}

for (const dialect of DIALECTS) describe(`${dialect}: SIGINT and SIGTERM during a run`, { tags: DIALECT_TAGS[dialect] }, () => {
  it.each([
    { signal: 'SIGINT', exit: 130 },
    { signal: 'SIGTERM', exit: 143 },
  ] as const)('$signal: rolls back, prints one line, exits $exit, frees the lock', async ({ signal, exit }) => {
    const project = await projectAtR001(
      dialect,
      {
        body:
          "    await op.execute('CREATE TABLE t2 (id int)');\n" +
          "    if (process.env.SLOW) { process.stderr.write('r002 waiting\\n'); await new Promise((resolve) => setTimeout(resolve, 30000)); }",
      },
      { lockTimeout: 'fail' },
    );
    const { child, done } = await startUpgrade(project.cwd, 'r002 waiting');
    const sent = Date.now();
    child.kill(signal);
    const run = await done;
    expect(run.code, run.stderr).toBe(exit);
    expect(Date.now() - sent).toBeLessThan(4000);
    const after = run.stderr.slice(run.stderr.indexOf('r002 waiting\n') + 'r002 waiting\n'.length);
    expect(after).toBe('Interrupted: the transaction was rolled back; the database is at r001.\n');
    expect(await project.db.versions()).toEqual(['r001']);
    expect(await project.db.tables()).toEqual(['accounts', 'alembic_version', 'cgmigrate_audit']);

    // lockTimeout 'fail': this run would fail at once if the interrupted run still held the lock.
    const next = await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd });
    expect(next.code, next.stderr).toBe(0);
    expect(await project.db.versions()).toEqual(['r002']);
  });

  it('SIGINT during a transactional: false migration: says its statements may have committed, claims no rollback', async () => {
    const project = await projectAtR001(dialect, {
      transactional: false,
      body:
        "    await op.execute('CREATE TABLE t2 (id int)');\n" +
        "    if (process.env.SLOW) { process.stderr.write('r002 waiting\\n'); await new Promise((resolve) => setTimeout(resolve, 30000)); }",
    });
    const { child, done } = await startUpgrade(project.cwd, 'r002 waiting');
    child.kill('SIGINT');
    const run = await done;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain(
      'Interrupted: r002 ran outside a transaction, so the statements it ran may have committed (its version change was not recorded); the database is at r001.\n',
    );
    expect(run.stderr).not.toContain('rolled back');
    expect(await project.db.versions()).toEqual(['r001']);
    expect(await project.db.tables()).toContain('t2');
  });
});

describe('PostgreSQL: stepTimeout while a statement runs on the server', { tags: ['postgres'] }, () => {
  it('cancels the statement, so the step fails and rolls back when the timeout passes, not when the statement ends', async () => {
    const project = await projectAtR001(
      'postgresql',
      { body: "    await op.execute('CREATE TABLE t2 (id int)');\n    await op.execute('SELECT pg_sleep(30)');" },
      { stepTimeout: 1000 },
    );
    const started = Date.now();
    const line = await expectFailedStep(project, await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd }));
    expect(line).toContain('up() did not settle within 1000 ms (stepTimeout)');
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 40_000);
});

describe('PostgreSQL: SIGINT while a statement runs on the server', { tags: ['postgres'] }, () => {
  it('cancels the statement: the transaction rolls back at once, the lock is free, and the next run applies the migration', async () => {
    const project = await projectAtR001(
      'postgresql',
      {
        body:
          "    await op.execute('CREATE TABLE t2 (id int)');\n" +
          "    if (process.env.SLOW) { process.stderr.write('r002 sleeping\\n'); await op.execute('SELECT pg_sleep(60)'); }",
      },
      { lockTimeout: 'fail' },
    );
    const first = await startUpgrade(project.cwd, 'r002 sleeping');
    const sent = Date.now();
    first.child.kill('SIGINT');
    const run = await first.done;
    expect(run.code, run.stderr).toBe(130);
    expect(Date.now() - sent).toBeLessThan(4000);
    expect(run.stderr).toContain('Interrupted: the transaction was rolled back; the database is at r001.');
    expect(run.stderr).not.toContain('the run did not stop within 5 s');
    expect(await project.db.versions()).toEqual(['r001']);

    // The lock went with the rollback: a run that refuses to wait for it gets it.
    const next = await cgmigrate(['upgrade', 'head', ...NO_LINT], { cwd: project.cwd });
    expect(next.code, next.stderr).toBe(0);
    expect(await project.db.versions()).toEqual(['r002']);
  }, 60_000);
});
