import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, tempProject, TRACE_HOOK, type RunResult } from './cli.js';

/**
 * The fast entry (bin/run.js → dist/run/fast-entry.js) runs the status commands
 * without oclif. Every case here runs twice, once through it and once through oclif
 * (CGMIGRATE_NO_FAST_PATH=1), and both runs must print the same stdout and stderr and
 * exit with the same status. A branched and merged history, the database part-way up.
 */
const MIGRATIONS: readonly { id: string; down: string[]; labels?: string[]; message: string }[] = [
  { id: 'a1', down: [], message: 'Create accounts' },
  { id: 'b2', down: ['a1'], message: 'Add account name' },
  { id: 'c3', down: ['a1'], labels: ['cart'], message: 'Create carts' },
  { id: 'd4', down: ['b2', 'c3'], message: 'Merge heads' },
  { id: 'e5', down: ['d4'], message: 'Add cart total' },
];

function migrationSource(m: (typeof MIGRATIONS)[number]): string {
  const list = (ids: readonly string[] | undefined): string =>
    !ids || ids.length === 0 ? 'null' : ids.length === 1 ? `'${ids[0]}'` : `[${ids.map((id) => `'${id}'`).join(', ')}]`;
  return `/**\n * ${m.message}\n */\nimport type { Migration } from '@cloudguard/migrate-core';\n\nexport default {\n  revision: '${m.id}',\n  downRevision: ${list(m.down)},\n  branchLabels: ${list(m.labels)},\n  dependsOn: null,\n  message: '${m.message}',\n\n  async up(op) {\n    await op.execute('CREATE TABLE t_${m.id} (id INTEGER PRIMARY KEY)');\n  },\n\n  async down(op) {\n    await op.execute('DROP TABLE t_${m.id}');\n  },\n} satisfies Migration;\n`;
}

const SECRET_URL = 'postgresql://app:s3cretpw@127.0.0.1:1/cloudguard';

const CASES: readonly (readonly string[])[] = [
  ['current'],
  ['current', '--json'],
  ['current', '--verbose'],
  ['current', '-v', '-c', 'cgmigrate.config.json'],
  ['current', '--config=cgmigrate.config.json', '--quiet'],
  ['heads'],
  ['heads', '--verbose'],
  ['heads', '--resolve-dependencies', '--json'],
  ['history'],
  ['history', '--verbose'],
  ['history', '-i'],
  ['history', '-r', 'a1:d4'],
  ['history', '-r', '-2:'],
  ['history', '--rev-range=current:', '--json'],
  ['history', '--graph'],
  ['history', '-g', '-r', 'b2:'],
  ['history', '--format', 'mermaid'],
  ['history', '--format=dot'],
  ['history', '--graph', '--json'],
  ['branches'],
  ['branches', '--verbose'],
  ['show', 'd4'],
  ['show', 'current'],
  ['show', 'heads', '--json'],
  ['show', 'cart@head'],
  // errors
  ['show', 'zz'],
  ['show', 'zz', '--json'],
  ['history', '-r', 'zz:'],
  ['current', '--url', SECRET_URL],
  ['current', '--url', SECRET_URL, '--json', '--verbose'],
  ['history', '--graph', '--url', SECRET_URL],
  ['current', '--url', 'sqlite:relative-without-slashes.db'],
  ['current', '--url', 'nonsense'],
  ['current', '--config', 'missing.json'],
  ['heads', '--config', 'missing.json', '--json'],
  // handed to oclif by the fast entry: must still match
  ['current', '--help'],
  ['current', '--bogus'],
  ['current', '-qv'],
  ['current', '--quiet', '--verbose'],
  ['current', 'extra'],
  ['show'],
  ['history', '--format', 'svg'],
  ['history', '--graph', '--format', 'dot'],
  ['current', '--url', 'mysql://root@127.0.0.1/x'],
];

describe('the fast entry prints exactly what oclif prints', () => {
  const project = tempProject();
  const cwd = project.dir;

  const fast = (args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> => cgmigrate(args, { cwd, env });
  const oclif = (args: readonly string[]): Promise<RunResult> => cgmigrate(args, { cwd, env: { CGMIGRATE_NO_FAST_PATH: '1' } });

  beforeAll(async () => {
    writeFileSync(path.join(cwd, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
    writeFileSync(path.join(cwd, 'cgmigrate.config.json'), JSON.stringify({ url: 'sqlite:///shop.db', scriptLocation: 'migrations' }));
    mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
    for (const m of MIGRATIONS) writeFileSync(path.join(cwd, 'migrations', 'versions', `${m.id}.ts`), migrationSource(m));
    const up = await cgmigrate(['upgrade', 'd4', '--quiet'], { cwd });
    expect(up.code, up.stderr).toBe(0);
  });
  afterAll(() => project.cleanup());

  it.each(CASES.map((args) => [args.join(' '), args] as const))('%s', async (_name, args) => {
    const [viaFast, viaOclif] = await Promise.all([fast(args), oclif(args)]);
    expect({ stdout: viaFast.stdout, stderr: viaFast.stderr, code: viaFast.code }).toEqual({
      stdout: viaOclif.stdout,
      stderr: viaOclif.stderr,
      code: viaOclif.code,
    });
    expect(viaFast.stdout + viaFast.stderr).not.toContain('s3cretpw');
  });

  it('answers the status commands without loading oclif', async () => {
    const trace = path.join(cwd, 'trace.txt');
    for (const args of [['current'], ['history', '--graph'], ['show', 'zz', '--json']]) {
      rmSync(trace, { force: true });
      const run = await cgmigrate(args, { cwd, nodeArgs: ['--import', TRACE_HOOK], env: { CGMIGRATE_TRACE_FILE: trace } });
      expect(run.code).toBe(args[0] === 'show' ? 2 : 0);
      const loaded = readFileSync(trace, 'utf8');
      expect(loaded).toContain('/dist/run/fast-entry.js');
      expect(loaded).not.toContain('@oclif/core');
      expect(loaded).not.toContain('@mikro-orm');
    }
  });

  it('prints the graph and the diagrams users expect', async () => {
    const graph = await fast(['history', '--graph']);
    expect(graph.stdout).toBe(
      [
        '* e5 (cart) (head), Add cart total',
        '@   d4 (cart) (current) (mergepoint), Merge heads',
        '|\\',
        '* | b2, Add account name',
        '| * c3 (cart), Create carts',
        '|/',
        '* a1 (branchpoint), Create accounts',
        '',
      ].join('\n'),
    );
    const mermaid = await fast(['history', '--format', 'mermaid']);
    expect(mermaid.stdout).toMatch(/^graph BT\n/);
    expect(mermaid.stdout).toContain('class r1 current');
    const dot = await fast(['history', '--format', 'dot']);
    expect(dot.stdout).toMatch(/^digraph revisions \{\n/);
    expect(dot.stdout).toContain('"b2" -> "d4";\n  "c3" -> "d4";');
  });

  it('answers --version and -v without oclif, as oclif does', async () => {
    const trace = path.join(cwd, 'trace-version.txt');
    const viaOclif = await oclif(['--version']);
    expect(viaOclif.stdout).toMatch(/^@cloudguard\/migrate-cli\/\d+\.\d+\.\d+ \S+-\S+ node-v\d+/);
    for (const flag of ['--version', '-v']) {
      rmSync(trace, { force: true });
      const run = await cgmigrate([flag], { cwd, nodeArgs: ['--import', TRACE_HOOK], env: { CGMIGRATE_TRACE_FILE: trace } });
      expect({ stdout: run.stdout, stderr: run.stderr, code: run.code }).toEqual({ stdout: viaOclif.stdout, stderr: '', code: 0 });
      expect(readFileSync(trace, 'utf8')).not.toContain('@oclif/core');
      expect(await oclif([flag])).toMatchObject({ stdout: viaOclif.stdout, code: 0 });
    }
  });
});
