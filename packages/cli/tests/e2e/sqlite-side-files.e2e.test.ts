import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cgmigrate, startCgmigrate, tempProject, writeTwoMigrations } from './cli.js';

/**
 * What an SQLite run leaves beside the database (docs/architecture.md, "What SQLite leaves
 * beside the database"): the empty lock file, nothing else; a holder's note left by a
 * killed run is removed by the next run.
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Two migrations; the second sleeps a minute when `SLOW_MIGRATION` is set. */
function project(): string {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  writeTwoMigrations(dir, 60_000);
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify({ url: 'sqlite:///app.db' }));
  return dir;
}

/** The files beside the database: every name in the folder that starts with `app.db`. */
const besideTheDatabase = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('app.db')).sort();

describe('files an SQLite run leaves beside the database', () => {
  it('after a run: the database and its empty lock file, no holder note', async () => {
    const cwd = project();
    const run = await cgmigrate(['upgrade', 'head'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(besideTheDatabase(cwd)).toEqual(['app.db', 'app.db.cgmigrate-lock']);
    expect(statSync(path.join(cwd, 'app.db.cgmigrate-lock')).size).toBe(0);
  }, 60_000);

  it.each([
    // SQLite's journal of the killed transaction stays until a run that writes rolls it back.
    ['current', ['app.db', 'app.db-journal', 'app.db.cgmigrate-lock']],
    ['upgrade', ['app.db', 'app.db.cgmigrate-lock']],
  ])("after a run killed with SIGKILL: the next run (%s) removes the holder's note it left", async (next, left) => {
    const cwd = project();
    const killed = startCgmigrate(['upgrade', 'head'], { cwd, env: { SLOW_MIGRATION: '1' } });
    cleanups.push(() => {
      if (killed.child.exitCode === null && killed.child.signalCode === null) killed.child.kill('SIGKILL');
    });
    await killed.until('Running upgrade r001 -> r002');
    killed.child.kill('SIGKILL');
    await killed.done;
    const note = path.join(cwd, 'app.db.cgmigrate-lock.holder');
    expect(JSON.parse(readFileSync(note, 'utf8'))).toMatchObject({ pid: killed.child.pid });

    const run = await cgmigrate([next, ...(next === 'upgrade' ? ['head'] : [])], { cwd });

    expect(run.code, run.stderr).toBe(0);
    expect(besideTheDatabase(cwd)).toEqual(left);
  }, 60_000);
});
