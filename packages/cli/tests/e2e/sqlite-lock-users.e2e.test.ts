import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { cgmigrate, fileDigest, startCgmigrate, tables, tempProject, versionRows, type RunResult, writeTwoMigrations } from './cli.js';

/**
 * The SQLite migration lock between two OS users: a lock file another user left behind
 * (0644) is refused with LOCK_UNAVAILABLE instead of being opened read-only, where an
 * exclusive transaction excludes nobody. Needs root (to act as `nobody` with runuser).
 */

const NOBODY = { uid: 65534, gid: 65534 };
const isRoot = process.getuid?.() === 0;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A project owned by nobody, with an SQLite database nobody owns (holding one table) and two migrations. */
function nobodysProject(): { dir: string; db: string; lock: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-e2e-users-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeTwoMigrations(dir);
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify({ url: 'sqlite:///app.db' }));
  const db = path.join(dir, 'app.db');
  const sqlite = new DatabaseSync(db);
  sqlite.exec('CREATE TABLE existing (id INTEGER)');
  sqlite.close();
  chownTree(dir);
  chmodSync(dir, 0o755);
  return { dir, db, lock: `${db}.cgmigrate-lock` };
}

function chownTree(target: string): void {
  chownSync(target, NOBODY.uid, NOBODY.gid);
  if (!statSync(target).isDirectory()) return;
  for (const entry of readdirSync(target)) chownTree(path.join(target, entry));
}

/** A lock file as another user (root) leaves it: empty, 0644, owned by root. */
function rootsLockFile(lock: string): void {
  writeFileSync(lock, '');
  chownSync(lock, 0, 0);
  chmodSync(lock, 0o644);
}

/** Runs the built CLI as nobody, with a clean environment of its own. */
function asNobody(args: readonly string[], cwd: string): Promise<RunResult> {
  return startCgmigrate(args, { cwd, asUser: 'nobody' }).done;
}

describe.skipIf(!isRoot)('SQLite lock file of another user (runuser -u nobody)', () => {
  it("refuses root's 0644 lock file: LOCK_UNAVAILABLE names the file, its owner and this user, exit 1, the database untouched", async () => {
    const { dir, db, lock } = nobodysProject();
    rootsLockFile(lock);
    const before = fileDigest(db);

    const run = await asNobody(['upgrade', 'head'], dir);

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      `Error [LOCK_UNAVAILABLE]: Cannot take the migration lock ${lock}: it is owned by root (uid 0) with mode 0644, ` +
        'and this user, nobody (uid 65534), cannot write it\n',
    );
    expect(run.stderr).toMatch(/^Hint: This is not another run holding the lock/m);
    expect(run.stderr).not.toContain('Check that the database is running');
    expect(fileDigest(db)).toBe(before);
    expect(tables(db)).toEqual(['existing']);
    expect(statSync(lock).uid).toBe(0);
  }, 60_000);

  it("4 runners at once against root's lock file: every one refuses (none runs without a real lock), the database untouched", async () => {
    const { dir, db, lock } = nobodysProject();
    rootsLockFile(lock);
    const before = fileDigest(db);

    const runs = await Promise.all(Array.from({ length: 4 }, () => asNobody(['upgrade', 'head'], dir)));

    for (const run of runs) {
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain('Error [LOCK_UNAVAILABLE]: ');
      expect(run.stderr).not.toContain('already exists');
    }
    expect(fileDigest(db)).toBe(before);
    expect(versionRows(db)).toBeUndefined();
  }, 60_000);

  it('4 runners at once with a lock file they can write: exactly one applies, the others find nothing to do', async () => {
    const { dir, db, lock } = nobodysProject();
    rootsLockFile(lock);
    chownSync(lock, NOBODY.uid, NOBODY.gid);

    const runs = await Promise.all(Array.from({ length: 4 }, () => asNobody(['upgrade', 'head'], dir)));

    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(runs.filter((run) => run.stderr.includes('Running upgrade r001 -> r002'))).toHaveLength(1);
    expect(runs.filter((run) => run.stderr.includes('Nothing to do: the database is already at r002.'))).toHaveLength(3);
    expect(versionRows(db)).toEqual(['r002']);
    expect(tables(db)).toEqual(['alembic_version', 'cgmigrate_audit', 'existing', 't_r001', 't_r002']);
  }, 60_000);
});

describe('SQLite lock file that is not a lock file', () => {
  it('is refused with LOCK_UNAVAILABLE saying it may be removed, not a "check that the database is running" hint; it is kept', async () => {
    const { dir, cleanup } = tempProject();
    cleanups.push(cleanup);
    const init = await cgmigrate(['init', 'migrations'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    const lock = path.join(dir, 'cloudguard.db.cgmigrate-lock');
    writeFileSync(lock, 'not a database: these bytes were left here by something else entirely\n');

    const run = await cgmigrate(['upgrade', 'head'], { cwd: dir });

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      `Error [LOCK_UNAVAILABLE]: Cannot take the migration lock ${lock}: it is not a cgmigrate lock file ` +
        '(SQLite: file is not a database); remove it once no cgmigrate run is using the database\n',
    );
    expect(run.stderr).not.toContain('Check that the database is running');
    expect(statSync(lock).size).toBeGreaterThan(0);
  }, 60_000);
});
