import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgmigrate, loadedModules, tempProject, TRACE_HOOK } from './cli.js';

const HEAVY = [/migrate-adapter-/, /\/adapter-(sqlite|postgres)\/dist\//, /@mikro-orm\//, /better-sqlite3/, /\/node_modules\/pg\//, /\/node_modules\/kysely\//];

/** Runs the CLI with an import tracer and returns what it printed and every module it loaded. */
async function traced(args: string[], cwd: string) {
  const traceFile = path.join(cwd, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const run = await cgmigrate(args, {
    cwd,
    env: { CGMIGRATE_TRACE_FILE: traceFile },
    nodeArgs: ['--import', TRACE_HOOK],
  });
  const modules = loadedModules(traceFile);
  return { run, heavy: modules.filter((url) => HEAVY.some((pattern) => pattern.test(url))), modules, traceFile };
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

  it('upgrade loads the SQLite adapter, MikroORM and Kysely as a few bundled chunks, and nothing of PostgreSQL', async () => {
    const upgrade = await traced(['upgrade', 'head', '--url', 'sqlite:///startup.db'], project.dir);
    expect(upgrade.run.code, upgrade.run.stderr).toBe(0);
    const loaded = upgrade.modules.join('\n');
    for (const module of ['/adapter-sqlite/dist/', '/node_modules/@mikro-orm/sqlite/', '/node_modules/kysely/', '/node_modules/better-sqlite3/']) {
      expect(loaded).toContain(module);
    }
    expect(upgrade.modules.filter((url) => /adapter-postgres|@mikro-orm\/postgresql|\/node_modules\/pg\//.test(url))).toEqual([]);
    // Of node_modules, only the driver is loaded file by file; the rest comes in the fast entry's chunks.
    const filesLoaded = readFileSync(upgrade.traceFile, 'utf8').split('\n');
    const packagesLoaded = new Set(filesLoaded.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
    expect([...packagesLoaded]).toEqual(['better-sqlite3']);
  });
});
