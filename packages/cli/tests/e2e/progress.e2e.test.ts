/* eslint-disable no-control-regex -- terminal escape sequences are what these tests look at */
/**
 * Progress of upgrade/downgrade as users see it: plain Alembic lines when stderr is a
 * pipe, lines completed with durations and a total on a terminal (a pty from `script`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cgmigrate, fillMigration, tempProject } from './cli.js';

const project = tempProject();
const cwd = project.dir;
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((file) => existsSync(file));
const ESCAPES = /\u001B\[[0-9;]*[A-Za-z]/g;

beforeAll(async () => {
  expect((await cgmigrate(['init', '-q'], { cwd })).code).toBe(0);
  for (const [id, table] of [['a1', 'accounts'], ['b2', 'scans']] as const) {
    const created = await cgmigrate(['revision', '-q', '-m', `Create ${table}`, '--rev-id', id], { cwd });
    fillMigration(created.stdout.trim(), table);
  }
}, 30_000);
afterAll(() => project.cleanup());

/** Runs the CLI on a pseudo-terminal; what the terminal received (stdout and stderr together). */
function onTerminal(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const environment: Record<string, string | undefined> = { ...process.env, TERM: 'xterm', COLUMNS: '120', ...env };
  for (const key of ['DATABASE_URL', 'NO_COLOR', 'FORCE_COLOR']) if (!env[key]) delete environment[key];
  return new Promise((resolve) => {
    execFile(
      // util-linux's `script` gives the CLI a real terminal; the test fails rather than skips without it.
      SCRIPT ?? '/usr/bin/script (util-linux: apt-get install -y bsdutils) is not installed',
      ['-qec', command, '/dev/null'],
      { cwd, encoding: 'utf8', env: environment },
      (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout.replaceAll('\r\n', '\n') }),
    );
  });
}

describe('progress', () => {
  it('piped: one plain line per step, exactly Alembic\'s, no control characters and no total', async () => {
    const up = await cgmigrate(['upgrade', 'head'], { cwd });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toBe('Running upgrade  -> a1, Create accounts\nRunning upgrade a1 -> b2, Create scans\n');
    const down = await cgmigrate(['downgrade', 'base', '--verbose'], { cwd });
    expect(down.stderr).toMatch(
      /Running downgrade b2 -> a1, Create scans\n {2}done in \d+ ms\nRunning downgrade a1 -> , Create accounts\n {2}done in \d+ ms\nDowngraded 2 revisions in \d+(\.\d)? m?s\.\n$/,
    );
  });

  it('on a terminal: each step with its duration, then the total; NO_COLOR keeps it plain', async () => {
    const up = await onTerminal(['upgrade', 'head'], { NO_COLOR: '1' });
    expect(up.code, up.output).toBe(0);
    expect(up.output).toContain('\r\u001B[2K');
    expect(up.output).not.toMatch(/\u001B\[3\dm/);
    const screen = up.output.split('\n').map((line) => line.split('\r\u001B[2K').at(-1)).join('\n');
    expect(screen).toMatch(
      /^Running upgrade {2}-> a1, Create accounts \(\d+ ms\)\nRunning upgrade a1 -> b2, Create scans \(\d+ ms\)\nUpgraded 2 revisions in \d+(\.\d)? m?s\.\n$/,
    );

    const coloured = await onTerminal(['downgrade', 'base'], { FORCE_COLOR: '1' });
    expect(coloured.code, coloured.output).toBe(0);
    expect(coloured.output).toMatch(/\u001B\[36mRunning downgrade\u001B\[39m/);
    expect(coloured.output.replace(ESCAPES, '')).toContain('Downgraded 2 revisions in');
  });
});
