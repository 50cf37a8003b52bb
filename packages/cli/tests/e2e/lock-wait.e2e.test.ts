import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase } from '../../../../tools/test-db/postgres.js';
import { blocksRunBy } from '../../../../tools/docs/fenced-blocks.js';
import { startCgmigrate, tempProject, type RunningCgmigrate, writeTwoMigrations } from './cli.js';

/**
 * A second runner waiting for the migration lock says so on stderr, naming the holder,
 * within about a second, then carries on once the first runner is done.
 */

/** How long the first runner's second migration holds the lock. */
const HOLD_MS = 6000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two migrations; the second sleeps {@link HOLD_MS} when `SLOW_MIGRATION` is set. */
function project(url: string): string {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  writeTwoMigrations(dir, HOLD_MS);
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify({ url }));
  return dir;
}

function start(args: readonly string[], cwd: string, env: Record<string, string> = {}): RunningCgmigrate {
  const run = startCgmigrate(args, { cwd, env });
  cleanups.push(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  });
  return run;
}

/**
 * Starts the first runner and waits until it holds the lock in its slow migration, then
 * starts the second and waits for its waiting line: returns how long that line took to
 * appear and both runs' results.
 */
async function twoRunners(cwd: string, secondArgs: readonly string[], holderPidOf: (first: RunningCgmigrate) => Promise<number>) {
  const first = start(['upgrade', 'head'], cwd, { SLOW_MIGRATION: '1' });
  await first.until('Running upgrade r001 -> r002');
  const pid = await holderPidOf(first);
  const startedAt = performance.now();
  const second = start(secondArgs, cwd);
  await second.until(`Waiting for the migration lock, held by pid ${pid}`);
  const noticedAfterMs = performance.now() - startedAt;
  const firstStillRunning = first.child.exitCode === null;
  const [firstRun, secondRun] = await Promise.all([first.done, second.done]);
  return { noticedAfterMs, firstStillRunning, firstRun, secondRun };
}

/** The line a waiting SQLite runner prints, with the default lockTimeout. */
const WAITING_LINE = /^Waiting for the migration lock, held by pid \d+ on \S+ \(user [^)]+\), holding it since \d{4}-\d\d-\d\dT[\d:.]+Z; gives up after 5 min 0 s$/m;

describe('a runner waiting for the migration lock', () => {
  it('is shown in docs/cli.md as it prints it', () => {
    const [shown] = blocksRunBy('docs/cli.md', 'packages/cli/tests/e2e/lock-wait.e2e.test.ts');
    expect(shown!.body).toMatch(WAITING_LINE);
  });

  it('SQLite: says on stderr that it waits for the process holding the lock, then finds nothing left to do', async () => {
    const cwd = project('sqlite:///app.db');
    const { noticedAfterMs, firstStillRunning, firstRun, secondRun } = await twoRunners(cwd, ['upgrade', 'head'], async (first) => first.child.pid!);

    // One second of waiting plus the CLI's start-up (1.1 s in all on an idle machine), with room for a busy one.
    expect(noticedAfterMs).toBeLessThan(2500);
    expect(firstStillRunning).toBe(true);
    expect(firstRun.code, firstRun.stderr).toBe(0);
    expect(secondRun.code, secondRun.stderr).toBe(0);
    expect(secondRun.stderr).toMatch(WAITING_LINE);
    expect(secondRun.stderr).toMatch(/^Took the migration lock after \d+\.\d s\.$/m);
    expect(secondRun.stderr).toContain('Nothing to do: the database is already at r002.');
    expect(secondRun.stdout).toBe('');
  }, 60_000);

  it('SQLite, --json: the waiting line goes to stderr, stdout holds only the JSON result', async () => {
    const cwd = project('sqlite:///app.db');
    const { firstRun, secondRun } = await twoRunners(cwd, ['upgrade', 'head', '--json'], async (first) => first.child.pid!);

    expect(firstRun.code, firstRun.stderr).toBe(0);
    expect(secondRun.code, secondRun.stderr).toBe(0);
    expect(secondRun.stderr).toContain('Waiting for the migration lock, held by pid');
    expect(secondRun.json()).toMatchObject({ from: ['r002'], to: ['r002'], steps: [] });
  }, 60_000);

  it('PostgreSQL: names the backend that holds the advisory lock, then finds nothing left to do', { tags: ['postgres'], timeout: 60_000 }, async () => {
    const db = await createTestDatabase('cgm_lock_wait');
    cleanups.push(() => db.drop());
    const cwd = project(db.url);
    const backendPid = async () => {
      const rows = await queryTestDatabase<{ pid: number }>(
        db.url,
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      );
      expect(rows.length).toBeGreaterThan(0);
      return rows[0]!.pid;
    };
    const { noticedAfterMs, firstStillRunning, firstRun, secondRun } = await twoRunners(cwd, ['upgrade', 'head'], backendPid);

    expect(noticedAfterMs).toBeLessThan(2500);
    expect(firstStillRunning).toBe(true);
    expect(firstRun.code, firstRun.stderr).toBe(0);
    expect(secondRun.code, secondRun.stderr).toBe(0);
    expect(secondRun.stderr).toMatch(/^Waiting for the migration lock, held by pid \d+, application_name 'cgmigrate', user postgres, /m);
    expect(secondRun.stderr).toMatch(/^Took the migration lock after \d+\.\d s\.$/m);
    expect(secondRun.stderr).toContain('Nothing to do: the database is already at r002.');
  });
});
