import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, fillMigration, fillMigrationSql, tables, tempProject, versionRows } from './cli.js';

/** The files next to the database: what a run leaves in its folder besides the project. */
function databaseFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('app.db'))
    .sort();
}

/**
 * A run against an SQLite file that does not exist yet leaves nothing behind unless it
 * committed something; a read-only command never creates the file; a file that existed
 * is never removed.
 */
describe('an SQLite database file that did not exist before the run', () => {
  const project = tempProject();
  const cwd = project.dir;
  const url = 'sqlite:///app.db';
  const db = path.join(cwd, 'app.db');
  let migration = '';
  let template = '';

  beforeAll(async () => {
    expect((await cgmigrate(['init'], { cwd })).code).toBe(0);
    const one = await cgmigrate(['revision', '-m', 'Create users', '--rev-id', 'a1'], { cwd });
    migration = one.stdout.trim();
    template = readFileSync(migration, 'utf8');
    fillMigrationSql(migration, 'INSERT INTO no_such_table VALUES (1)', 'SELECT 1');
  });
  afterAll(() => project.cleanup());

  it.each([['current'], ['history'], ['check'], ['heads'], ['upgrade', 'head', '--sql']])(
    // Already so before: these open the file read-only, and a missing file reads as an empty database.
    'read-only %s does not create it',
    async (...args) => {
      const run = await cgmigrate([...args, '--url', url], { cwd });
      expect([0, 1]).toContain(run.code);
      expect(run.stderr).not.toContain('UNEXPECTED_ERROR');
      expect(databaseFiles(cwd)).toEqual([]);
    },
  );

  it('a failed upgrade exits 1 and leaves no database, journal or lock file', async () => {
    const run = await cgmigrate(['upgrade', 'head', '--url', url], { cwd });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('MIGRATION_FAILED');
    expect(databaseFiles(cwd)).toEqual([]);
  });

  it('a failed upgrade in a folder that does not exist creates neither', async () => {
    const run = await cgmigrate(['upgrade', 'head', '--url', 'sqlite:///missing-dir/app.db'], { cwd });
    expect(run.code, run.stderr).toBe(1);
    expect(existsSync(path.join(cwd, 'missing-dir'))).toBe(false);
  });

  it('a pre-existing empty file is never removed, even when the run fails', async () => {
    writeFileSync(db, '');
    const { ino } = statSync(db);
    try {
      const run = await cgmigrate(['upgrade', 'head', '--url', url], { cwd });
      expect(run.code, run.stderr).toBe(1);
      expect(statSync(db).ino).toBe(ino);
      expect(statSync(db).size).toBe(0);
    } finally {
      for (const name of databaseFiles(cwd)) rmSync(path.join(cwd, name));
    }
  });

  it('a successful upgrade keeps the file it created', async () => {
    writeFileSync(migration, template);
    fillMigration(migration, 'users');
    const run = await cgmigrate(['upgrade', 'head', '--url', url], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(versionRows(db)).toEqual(['a1']);
    expect(tables(db)).toContain('users');
    expect(databaseFiles(cwd)).toEqual(['app.db', 'app.db.cgmigrate-lock']);
  });
});
