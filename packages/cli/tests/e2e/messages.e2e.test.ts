/**
 * Messages that must not mislead (issue 24, items 5, 8 and 9), as a user sees them from
 * the built CLI on a real SQLite file: hints that follow what happened, and say the
 * command-line spelling of what to do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, fails, fillMigration, MODES, tables, tempProject, versionRows, type ErrorJson, testMigrationSource } from './cli.js';

/** A project with the given migrations, none applied. */
function projectWith(migrations: readonly { id: string; parent: string | null; up: string; transactional?: boolean }[]): { cwd: string; db: string; cleanup: () => void } {
  const project = tempProject();
  const versions = path.join(project.dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  for (const m of migrations) {
    writeFileSync(path.join(versions, `${m.id}.ts`), testMigrationSource({ ...m, down: '' }));
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

describe('revision, config: hints in the words of the command line', () => {
  let cwd = '';
  const project = tempProject();
  beforeAll(async () => {
    cwd = project.dir;
    expect((await cgmigrate(['init', '-q'], { cwd })).code).toBe(0);
    for (const [id, table] of [['a1', 'a'], ['b2', 'b']] as const) {
      fillMigration((await cgmigrate(['revision', '-q', '-m', `Create ${table}`, '--rev-id', id], { cwd })).stdout.trim(), table);
    }
  });
  afterAll(() => project.cleanup());

  it.each(MODES)('revision --head <not a head> (%s): the flag is --splice, and the hint says what splicing does', async (mode) => {
    const { message, hint, text } = await fails(mode, ['revision', '-m', 'x', '--head', 'a1'], cwd, { code: 'INVALID_TARGET', exit: 2 });
    expect(message).toBe("Invalid target 'a1': revision a1 is not a head revision, and splicing (starting a new branch from it) was not asked for");
    expect(hint).toContain('pass `--splice`: splicing starts a new branch from that revision, so the scripts get one more head');
    expect(text).not.toContain('pass splice');
  });

  it.each(MODES)('a config key typo (%s): did you mean the closest key', async (mode) => {
    const config = path.join(cwd, 'typo.config.json');
    writeFileSync(config, JSON.stringify({ scriptLocaton: 'migrations' }));
    const { message, hint, run } = await fails(mode, ['heads', '-c', config], cwd, { code: 'CONFIG_INVALID', exit: 2 });
    expect(message).toContain("unknown key 'scriptLocaton' (known keys: url, scriptLocation,");
    expect(hint).toBe("Did you mean 'scriptLocation'? Unknown keys are refused so that a typo is not silently ignored.");
    if (mode === 'json') expect(run.json<ErrorJson>().error).toMatchObject({ key: 'scriptLocaton', knownKeys: expect.arrayContaining(['scriptLocation']) });
  });

  it.each(MODES)('revision --autogenerate without entities (%s): the hint says to set entities', async (mode) => {
    const { message, hint } = await fails(mode, ['revision', '--autogenerate', '-m', 'x'], cwd, { code: 'CONFIG_INVALID', exit: 2 });
    expect(message).toContain('`entities` is empty');
    expect(hint).toContain('Set `entities` in cgmigrate.config.ts to your MikroORM entity definitions');
    expect(hint).not.toContain('every key is optional');
  });

  it.each(MODES)('a config that imports core at run time where it is not installed (%s): install it or use import type', async (mode) => {
    // The project has no node_modules: as with a global-only install, nothing resolves @cloudguard/migrate-core from here.
    const config = path.join(cwd, 'imports.config.ts');
    writeFileSync(config, "import { defineConfig } from '@cloudguard/migrate-core';\nexport default defineConfig({ scriptLocation: 'migrations' });\n");
    const { message, hint } = await fails(mode, ['heads', '-c', config], cwd, { code: 'CONFIG_INVALID', exit: 2 });
    expect(message).toContain("Cannot find package '@cloudguard/migrate-core'");
    expect(hint).toContain('Install @cloudguard/migrate-core in the project (`npm install -D @cloudguard/migrate-core`)');
    expect(hint).toContain("`import type { MigrateConfig } from '@cloudguard/migrate-core'`");
  });
});
