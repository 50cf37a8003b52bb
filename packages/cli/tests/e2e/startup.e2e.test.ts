import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgmigrate, tempProject, TRACE_HOOK } from './cli.js';

const HEAVY = [/migrate-adapter-/, /@mikro-orm\//, /better-sqlite3/, /\/node_modules\/pg\//, /\/node_modules\/kysely\//];

/** Runs the CLI with an import tracer and returns what it printed and every module it resolved. */
async function traced(args: string[], cwd: string) {
  const traceFile = path.join(cwd, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const run = await cgmigrate(args, {
    cwd,
    env: { CGMIGRATE_TRACE_FILE: traceFile },
    nodeArgs: ['--import', TRACE_HOOK],
  });
  let modules: string[] = [];
  try {
    modules = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    // nothing resolved after the hook was installed
  }
  return { run, heavy: modules.filter((url) => HEAVY.some((pattern) => pattern.test(url))), modules };
}

describe('start-up stays lean', () => {
  const project = tempProject();
  afterAll(() => project.cleanup());

  it.each([[['--version']], [['--help']], [['upgrade', '--help']], [['downgrade', '--help']], [['stamp', '--help']], [['merge', '--help']]])(
    '%j loads no adapter, ORM or driver',
    async (args) => {
      const { run, heavy, modules } = await traced(args, project.dir);
      expect(run.code, run.stderr).toBe(0);
      expect(modules.length).toBeGreaterThan(0);
      expect(heavy).toEqual([]);
    },
  );

  it('--version prints the package version', async () => {
    const run = await cgmigrate(['--version'], { cwd: project.dir });
    expect(run.stdout).toMatch(/^@cloudguard\/migrate-cli\/0\.1\.0 /);
  });

  it('help shows the URL precedence and the downgrade -1 example', async () => {
    const run = await cgmigrate(['downgrade', '--help'], { cwd: project.dir });
    expect(run.stdout).toContain('--url');
    expect(run.stdout).toMatch(/DATABASE_URL/);
    expect(run.stdout).toContain('downgrade -1');
  });

  it('commands that do not touch the database load no adapter either', async () => {
    expect((await traced(['init'], project.dir)).heavy).toEqual([]);
    const revision = await traced(['revision', '-m', 'First'], project.dir);
    expect(revision.run.code, revision.run.stderr).toBe(0);
    expect(revision.heavy).toEqual([]);
    for (const args of [['history'], ['heads'], ['branches'], ['show', 'head']]) {
      const inspect = await traced(args, project.dir);
      expect(inspect.run.code, inspect.run.stderr).toBe(0);
      expect(inspect.heavy, args.join(' ')).toEqual([]);
    }
  });
});
