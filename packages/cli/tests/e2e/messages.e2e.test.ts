/**
 * Messages that must not mislead (issue 24), as a user sees them from
 * the built CLI on a real SQLite file: hints that follow what happened, and say the
 * command-line spelling of what to do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgmigrate, fails, MODES, tables, tempProject, versionRows, type ErrorJson } from './cli.js';

/** A project with the given migrations, none applied. */
function projectWith(migrations: readonly { id: string; parent: string | null; up: string; transactional?: boolean }[]): { cwd: string; db: string; cleanup: () => void } {
  const project = tempProject();
  const versions = path.join(project.dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  for (const m of migrations) {
    writeFileSync(
      path.join(versions, `${m.id}.ts`),
      `export default {
  revision: '${m.id}',
  downRevision: ${m.parent === null ? 'null' : `'${m.parent}'`},
  message: 'migration ${m.id}',
${m.transactional === false ? '  transactional: false,\n' : ''}  async up(op) {
${m.up}
  },
  async down(op) {},
};
`,
    );
  }
  return { cwd: project.dir, db: path.join(project.dir, 'cloudguard.db'), cleanup: project.cleanup };
}

const FAILING_UP = "    await op.execute('CREATE TABLE b (id INTEGER)');\n    await op.execute('INSERT INTO no_such_table VALUES (1)');";

describe('MIGRATION_FAILED: the hint says what happened to the failing migration', () => {
  it('rolled back (SQLite, in a transaction): says so, and nothing about fixing the schema by hand', async () => {
    const project = projectWith([
      { id: 'a1', parent: null, up: "    await op.execute('CREATE TABLE a (id INTEGER)');" },
      { id: 'b2', parent: 'a1', up: FAILING_UP },
    ]);
    try {
      for (const mode of MODES) {
        const { run, hint } = await fails(mode, ['upgrade', 'head'], project.cwd, { code: 'MIGRATION_FAILED', exit: 1 });
        expect(hint).toBe("The failing migration's changes were rolled back. Fix it and run the command again; `cgmigrate current` shows the revision the database is at now.");
        if (mode === 'json') expect(run.json<ErrorJson>().error.rolledBack).toBe(true);
      }
      expect(tables(project.db)).not.toContain('b');
    } finally {
      project.cleanup();
    }
  });

  it('committed (transactional: false): claims no rollback, says to fix the schema by hand and stamp', async () => {
    const project = projectWith([
      { id: 'a1', parent: null, up: "    await op.execute('CREATE TABLE a (id INTEGER)');" },
      { id: 'b2', parent: 'a1', up: FAILING_UP, transactional: false },
    ]);
    try {
      const { hint } = await fails('human', ['upgrade', 'head'], project.cwd, { code: 'MIGRATION_FAILED', exit: 1 });
      expect(hint).toContain('may have committed: nothing was rolled back');
      expect(hint).toContain('undo or finish those statements by hand, then either record the revision the schema now matches with `cgmigrate stamp <revision>`');
      expect(hint).not.toContain('were rolled back');
      // What the hint says stayed did stay; the recorded revision is the last whole one.
      expect(tables(project.db)).toContain('b');
      expect(versionRows(project.db)).toEqual(['a1']);
      const { run } = await fails('json', ['upgrade', 'head'], project.cwd, { code: 'MIGRATION_FAILED', exit: 1 });
      expect(run.json<ErrorJson>().error.rolledBack).toBe(false);
    } finally {
      project.cleanup();
    }
  });
});

describe('check on a database that is behind', () => {
  const project = projectWith([
    { id: 'a1', parent: null, up: "    await op.execute('CREATE TABLE a (id INTEGER)');" },
    { id: 'b2', parent: 'a1', up: "    await op.execute('CREATE TABLE b (id INTEGER)');" },
    { id: 'c3', parent: 'b2', up: "    await op.execute('CREATE TABLE c (id INTEGER)');" },
  ]);
  afterAll(() => project.cleanup());

  it('counts the revisions in words, and hints at upgrade head (on stderr; the problems stay on stdout)', async () => {
    expect((await cgmigrate(['upgrade', 'a1', '-q'], { cwd: project.cwd })).code).toBe(0);
    const two = await cgmigrate(['check'], { cwd: project.cwd });
    expect(two.code).toBe(1);
    expect(two.stdout).toBe('Target database is not up to date: 2 revisions are not applied (b2, c3)\n');
    expect(two.stderr).toBe('Hint: Run `cgmigrate upgrade head` to apply them.\n');

    expect((await cgmigrate(['upgrade', 'b2', '-q'], { cwd: project.cwd })).code).toBe(0);
    const one = await cgmigrate(['check'], { cwd: project.cwd });
    expect(one.code).toBe(1);
    expect(one.stdout).toBe('Target database is not up to date: 1 revision is not applied (c3)\n');
    expect(one.stderr).toBe('Hint: Run `cgmigrate upgrade head` to apply it.\n');

    // --json: the document alone on stdout, nothing on stderr
    const json = await cgmigrate(['check', '--json'], { cwd: project.cwd });
    expect(json.json<{ problems: { message: string }[] }>().problems[0]?.message).toBe('Target database is not up to date: 1 revision is not applied (c3)');
    expect(json.stderr).toBe('');
  });
});
