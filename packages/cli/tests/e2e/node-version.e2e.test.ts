/**
 * On a Node older than 22.18 (a system Node 20, say) cgmigrate stops at once with one line
 * that names the version it needs, instead of failing on its `.ts` config with
 * `Unknown file extension ".ts"` and a hint to fix the config.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cgmigrate, tempProject } from './cli.js';

/** Node executables on this machine: those on PATH, then the usual system places. */
function nodeExecutables(): string[] {
  const onPath = (process.env['PATH'] ?? '').split(path.delimiter).map((dir) => path.join(dir, 'node'));
  const found = [...onPath, '/usr/bin/node', '/usr/local/bin/node'].filter((file) => existsSync(file)).map((file) => realpathSync(file));
  return [...new Set(found)];
}

/** The first Node older than 22.18, with its version, or `undefined` when the machine has none. */
function oldNode(): { readonly file: string; readonly version: string } | undefined {
  for (const file of nodeExecutables()) {
    let version: string;
    try {
      version = execFileSync(file, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
    } catch {
      continue;
    }
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 18)) return { file, version };
  }
  return undefined;
}

describe('started by a Node older than 22.18', () => {
  const project = tempProject();
  afterAll(() => project.cleanup());
  const old = oldNode();

  it('says which Node it needs and exits 2, for any command', async ({ skip }) => {
    if (old === undefined) skip(`no Node older than 22.18 on this machine (looked at ${nodeExecutables().join(', ') || 'nothing'})`);
    const init = await cgmigrate(['init'], { cwd: project.dir });
    expect(init.code, init.stderr).toBe(0);
    for (const args of [['current'], ['upgrade', 'head'], ['history'], ['--version'], ['init', 'other']]) {
      const run = spawnSync(old!.file, [BIN, ...args], { cwd: project.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(run.stderr, args.join(' ')).toBe(`cgmigrate needs Node.js 22.18 or newer (this is ${old!.version})\n`);
      expect(run.stdout).toBe('');
      expect(run.status).toBe(2);
    }
  });
});
