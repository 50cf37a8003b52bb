import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, fillMigration, tables, tempProject, versionRows } from './cli.js';

/**
 * The Alembic workflow of the CloudGuard migrations README, command for command, on a
 * fresh SQLite file (the default URL, sqlite:///cloudguard.db in the project).
 */
describe('cgmigrate acceptance flow (SQLite)', () => {
  const project = tempProject();
  const cwd = project.dir;
  const db = path.join(cwd, 'cloudguard.db');
  let first = '';
  let second = '';

  afterAll(() => project.cleanup());

  beforeAll(async () => {
    const init = await cgmigrate(['init'], { cwd });
    expect(init.code, init.stderr).toBe(0);
  });

  it('init created the script location and the config file', () => {
    expect(existsSync(path.join(cwd, 'migrations', 'versions'))).toBe(true);
    expect(existsSync(path.join(cwd, 'cgmigrate.config.ts'))).toBe(true);
  });

  it('revision -m writes a file, reports it on stderr and prints its path on stdout', async () => {
    const run = await cgmigrate(['revision', '-m', 'Create users'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const file = run.stdout.trim();
    expect(path.dirname(file)).toBe(path.join(cwd, 'migrations', 'versions'));
    expect(run.stderr).toContain(`Generating ${file} ... done`);
    fillMigration(file, 'users');

    const json = await cgmigrate(['revision', '-m', 'Create scans', '--json'], { cwd });
    expect(json.code, json.stderr).toBe(0);
    const result = json.json<{ path: string; revision: { id: string; downRevisions: string[]; isHead: boolean } }>();
    fillMigration(result.path, 'scans');
    second = result.revision.id;
    expect(result.revision.isHead).toBe(true);
    [first] = result.revision.downRevisions as [string];
    expect(readFileSync(file, 'utf8')).toContain(first);
    expect(versionRows(db)).toBeUndefined();
  });

  it('upgrade head runs both migrations with Alembic log lines', async () => {
    const run = await cgmigrate(['upgrade', 'head'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Running upgrade  -> ${first}, Create users`);
    expect(run.stderr).toContain(`Running upgrade ${first} -> ${second}, Create scans`);
    expect(run.stdout).toBe('');
    expect(versionRows(db)).toEqual([second]);
    expect(tables(db)).toEqual(['alembic_version', 'cgmigrate_audit', 'scans', 'users']);
  });

  it('current shows the head', async () => {
    const run = await cgmigrate(['current'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${second} (head)\n`);
    const json = await cgmigrate(['current', '--json'], { cwd });
    expect(json.json<{ revisions: { id: string; isHead: boolean }[] }>().revisions).toMatchObject([
      { id: second, isHead: true },
    ]);
  });

  it('upgrade head again has nothing to do', async () => {
    const run = await cgmigrate(['upgrade', 'head'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Nothing to do');
    expect(versionRows(db)).toEqual([second]);
  });

  it('downgrade -1 (no `--` needed) reverts the last migration', async () => {
    const run = await cgmigrate(['downgrade', '-1'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Running downgrade ${second} -> ${first}, Create scans`);
    expect(versionRows(db)).toEqual([first]);
    expect(tables(db)).toEqual(['alembic_version', 'cgmigrate_audit', 'users']);
  });

  it('upgrade +1 applies the next migration, with --json steps', async () => {
    const run = await cgmigrate(['upgrade', '+1', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<{ from: string[]; to: string[]; steps: { direction: string; revision: string }[] }>();
    expect(result).toMatchObject({ from: [first], to: [second], steps: [{ direction: 'upgrade', revision: second }] });
    expect(versionRows(db)).toEqual([second]);
  });

  it('downgrade base reverts everything; current then prints nothing', async () => {
    const run = await cgmigrate(['downgrade', 'base'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Running downgrade ${second} -> ${first}`);
    expect(run.stderr).toContain(`Running downgrade ${first} -> , Create users`);
    expect(versionRows(db) ?? []).toEqual([]);
    expect(tables(db)).toEqual(['alembic_version', 'cgmigrate_audit']);
    const current = await cgmigrate(['current'], { cwd });
    expect(current.code, current.stderr).toBe(0);
    expect(current.stdout).toBe('');
  });

  it('upgrade <id> stops at that revision', async () => {
    const run = await cgmigrate(['upgrade', first], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(versionRows(db)).toEqual([first]);
    const current = await cgmigrate(['current'], { cwd });
    expect(current.stdout).toBe(`${first}\n`);
  });

  it("history lists revisions newest first in Alembic's format", async () => {
    const run = await cgmigrate(['history'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${first} -> ${second} (head), Create scans\n<base> -> ${first}, Create users\n`);

    const marked = await cgmigrate(['history', '--indicate-current'], { cwd });
    expect(marked.stdout).toBe(`${first} -> ${second} (head), Create scans\n<base> -> ${first} (current), Create users\n`);

    const json = await cgmigrate(['history', '-i', '--json'], { cwd });
    const result = json.json<{ revisions: { id: string }[]; current: string[] }>();
    expect(result.revisions.map((rev) => rev.id)).toEqual([second, first]);
    expect(result.current).toEqual([first]);
  });

  it('--quiet silences progress but not data', async () => {
    const run = await cgmigrate(['upgrade', 'head', '-q'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const current = await cgmigrate(['current', '--quiet'], { cwd });
    expect(current.stdout).toBe(`${second} (head)\n`);
  });
});
