import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cgmigrate, loadedModules, tables, tempProject, TRACE_HOOK, versionRows, type RunResult } from './cli.js';

/**
 * The fast entry (bin/run.js → dist/run/fast-entry.js) runs the status commands,
 * `upgrade`, `downgrade` and `stamp` without oclif. Every case here runs twice, once through it and once through oclif
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
  ['heads', '--check'],
  ['heads', '--check', '--json'],
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
    for (const args of [['current'], ['history', '--graph'], ['show', 'zz', '--json'], ['heads', '--check']]) {
      rmSync(trace, { force: true });
      const run = await cgmigrate(args, { cwd, nodeArgs: ['--import', TRACE_HOOK], env: { CGMIGRATE_TRACE_FILE: trace } });
      expect(run.code).toBe(args[0] === 'show' ? 2 : 0);
      const loaded = loadedModules(trace).join('\n');
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
      expect(loadedModules(trace).join('\n')).not.toContain('@oclif/core');
      expect(await oclif([flag])).toMatchObject({ stdout: viaOclif.stdout, code: 0 });
    }
  });
});

/**
 * `upgrade`, `downgrade` and `stamp` change the database, so each case starts from a
 * saved database (`from`), runs through the fast entry (traced: it must load no
 * `@oclif/core`, or must load it when the case is one the fast entry hands to oclif),
 * starts again from the same database and runs through oclif. Both runs must print the
 * same bytes (durations aside) and leave the same version table and tables.
 *
 * A linear history a1 → b2 → c3 (b2's up() fails when CGM_FAIL=b2); `forked.config.json`
 * reads a history with two heads, b2 and x9; `lock.config.json` does not wait for the lock.
 */
const LINEAR = [
  { id: 'a1', down: null, message: 'Create accounts' },
  { id: 'b2', down: 'a1', message: 'Add scans' },
  { id: 'c3', down: 'b2', message: 'Add findings' },
] as const;
const FORKED = [
  { id: 'a1', down: null, message: 'Create accounts' },
  { id: 'b2', down: 'a1', message: 'Add scans' },
  { id: 'x9', down: 'a1', message: 'Add carts' },
] as const;

function stepSource(m: { id: string; down: string | null; message: string }): string {
  return `/**
 * ${m.message}
 */
import type { Migration } from '@cloudguard/migrate-core';

export default {
  revision: '${m.id}',
  downRevision: ${m.down === null ? 'null' : `'${m.down}'`},
  branchLabels: null,
  dependsOn: null,
  message: '${m.message}',

  async up(op) {
    await op.execute('CREATE TABLE t_${m.id} (id INTEGER PRIMARY KEY)');
    if (process.env.CGM_FAIL === '${m.id}') await op.execute('INSERT INTO no_such_table VALUES (1)');
  },

  async down(op) {
    await op.execute('DROP TABLE t_${m.id}');
  },
} satisfies Migration;
`;
}

/** The databases a case can start from. */
type Start = 'none' | 'b2' | 'head' | 'ghost';

interface MigrateCase {
  readonly args: readonly string[];
  readonly from: Start;
  /** Whether the fast entry runs it (otherwise it hands it to oclif). */
  readonly fast: boolean;
  readonly env?: Record<string, string>;
  /** Another process holds the migration lock meanwhile. */
  readonly locked?: boolean;
}

const OPTIONS: readonly (readonly string[])[] = [
  [],
  ['--sql'],
  ['--json'],
  ['--quiet'],
  ['--verbose'],
  ['-c', 'cgmigrate.config.json'],
  ['--url', 'sqlite:///shop.db'],
];
const BASICS: readonly { args: readonly string[]; from: Start }[] = [
  { args: ['upgrade', 'head'], from: 'none' },
  { args: ['downgrade', 'base'], from: 'head' },
  { args: ['downgrade', '-1'], from: 'head' },
  { args: ['stamp', 'head'], from: 'none' },
  { args: ['stamp', '--purge', 'a1'], from: 'ghost' },
];

const MIGRATE_CASES: readonly MigrateCase[] = [
  ...BASICS.flatMap(({ args, from }) => OPTIONS.map((options) => ({ args: [...args, ...options], from, fast: true }))),
  { args: ['upgrade'], from: 'none', fast: true },
  { args: ['upgrade', 'b2', '--verbose', '--json'], from: 'none', fast: true },
  { args: ['upgrade', '+1', '-q'], from: 'b2', fast: true },
  { args: ['upgrade', 'heads', '-c', 'forked.config.json'], from: 'none', fast: true },
  { args: ['downgrade', 'a1', '-v'], from: 'head', fast: true },
  { args: ['downgrade', '-2', '--json'], from: 'head', fast: true },
  { args: ['downgrade', '--url=sqlite:///shop.db', 'base'], from: 'b2', fast: true },
  { args: ['stamp', 'b2', 'x9', '-c', 'forked.config.json'], from: 'none', fast: true },
  { args: ['stamp', 'base', '--json'], from: 'head', fast: true },
  { args: ['stamp', 'head', '--purge', '--sql'], from: 'none', fast: true },
  // offline ranges
  { args: ['upgrade', 'a1:head', '--sql'], from: 'none', fast: true },
  { args: ['downgrade', 'head:base', '--sql'], from: 'none', fast: true },
  { args: ['downgrade', 'c3:a1', '--sql', '--json'], from: 'none', fast: true },
  { args: ['stamp', 'a1:c3', '--sql'], from: 'none', fast: true },
  { args: ['upgrade', 'head', '--sql', '--url', 'postgresql://app:s3cretpw@127.0.0.1:1/cloudguard'], from: 'none', fast: true },
  // nothing to do
  { args: ['upgrade', 'head'], from: 'head', fast: true },
  { args: ['upgrade', 'head', '--json'], from: 'head', fast: true },
  { args: ['downgrade', 'base'], from: 'none', fast: true },
  { args: ['stamp', 'head', '--verbose'], from: 'head', fast: true },
  // failures
  { args: ['upgrade', 'head'], from: 'none', fast: true, env: { CGM_FAIL: 'b2' } },
  { args: ['upgrade', 'head', '--verbose'], from: 'none', fast: true, env: { CGM_FAIL: 'b2' } },
  { args: ['upgrade', 'head', '--json'], from: 'none', fast: true, env: { CGM_FAIL: 'b2' } },
  { args: ['upgrade', 'head', '-c', 'forked.config.json'], from: 'none', fast: true },
  { args: ['upgrade', 'head', '-c', 'forked.config.json', '--json'], from: 'none', fast: true },
  { args: ['upgrade', 'head', '-c', 'lock.config.json'], from: 'b2', fast: true, locked: true },
  { args: ['upgrade', 'head', '-c', 'lock.config.json', '--json'], from: 'b2', fast: true, locked: true },
  { args: ['downgrade', 'base', '-c', 'lock.config.json', '--verbose'], from: 'head', fast: true, locked: true },
  { args: ['stamp', 'head', '-c', 'lock.config.json'], from: 'none', fast: true, locked: true },
  { args: ['upgrade', 'zz'], from: 'none', fast: true },
  { args: ['upgrade', 'a1:head'], from: 'none', fast: true },
  { args: ['downgrade', 'c3'], from: 'b2', fast: true },
  { args: ['stamp', 'zz', '--json'], from: 'none', fast: true },
  { args: ['stamp', 'a1'], from: 'ghost', fast: true },
  { args: ['upgrade', 'head', '--url', SECRET_URL], from: 'none', fast: true },
  { args: ['upgrade', 'head', '--url', SECRET_URL, '--json', '--verbose'], from: 'none', fast: true },
  { args: ['upgrade', 'head', '--config', 'missing.json'], from: 'none', fast: true },
  // handed to oclif by the fast entry: must still match
  { args: ['upgrade', '--help'], from: 'none', fast: false },
  { args: ['downgrade', '--help'], from: 'none', fast: false },
  { args: ['stamp', '--help'], from: 'none', fast: false },
  { args: ['upgrade', 'head', '--bogus'], from: 'none', fast: false },
  { args: ['stamp', 'head', '--prge'], from: 'none', fast: false },
  { args: ['stamp', '--purge', '--purge', 'head'], from: 'none', fast: false },
  { args: ['downgrade'], from: 'head', fast: false },
  { args: ['stamp'], from: 'none', fast: false },
  { args: ['upgrade', 'a1', 'b2'], from: 'none', fast: false },
  { args: ['upgrade', 'head', '-qv'], from: 'none', fast: false },
  { args: ['upgrade', 'head', '--quiet', '--verbose'], from: 'none', fast: false },
  { args: ['upgrade', 'head', '--sql=yes'], from: 'none', fast: false },
  { args: ['downgrade', '--', '-1'], from: 'head', fast: false },
  { args: ['upgrade', 'head', '--url', 'mysql://root@127.0.0.1/x'], from: 'none', fast: false },
];

/** Durations differ from run to run; everything else must not. */
function withoutDurations(text: string): string {
  return text.replace(/\b\d+(\.\d+)? m?s\b/g, '<duration>').replace(/"(durationMs|waitedMs)": [\d.e+-]+/g, '"$1": <duration>');
}

describe('upgrade, downgrade and stamp: the fast entry does what oclif does', () => {
  const project = tempProject();
  const cwd = project.dir;
  const db = path.join(cwd, 'shop.db');
  const saved = path.join(cwd, 'saved');

  /** Puts the database back as it was saved under `start` (no database for `none`). */
  function restore(start: Start): void {
    for (const name of readdirSync(cwd)) if (name.startsWith('shop.db')) rmSync(path.join(cwd, name), { force: true });
    if (start !== 'none') copyFileSync(path.join(saved, `${start}.db`), db);
  }

  /** Takes the SQLite adapter's migration lock (its side file) as another runner would; returns the release. */
  function holdLock(): () => void {
    const lock = new DatabaseSync(`${db}.cgmigrate-lock`);
    lock.exec('PRAGMA journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE');
    return () => {
      lock.exec('ROLLBACK');
      lock.close();
    };
  }

  async function runFrom(c: MigrateCase, env: Record<string, string>, nodeArgs?: readonly string[]) {
    restore(c.from);
    const release = c.locked ? holdLock() : undefined;
    try {
      const run = await cgmigrate(c.args, { cwd, env: { ...c.env, ...env }, ...(nodeArgs ? { nodeArgs } : {}) });
      return { run, versions: versionRows(db), tables: tables(db) };
    } finally {
      release?.();
    }
  }

  const shown = (run: RunResult) => ({ stdout: withoutDurations(run.stdout), stderr: withoutDurations(run.stderr), code: run.code });

  beforeAll(async () => {
    writeFileSync(path.join(cwd, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
    const config = { url: 'sqlite:///shop.db', scriptLocation: 'migrations' };
    writeFileSync(path.join(cwd, 'cgmigrate.config.json'), JSON.stringify(config));
    writeFileSync(path.join(cwd, 'lock.config.json'), JSON.stringify({ ...config, lockTimeout: 'fail' }));
    writeFileSync(path.join(cwd, 'forked.config.json'), JSON.stringify({ ...config, scriptLocation: 'forked' }));
    for (const [dir, steps] of [['migrations', LINEAR], ['forked', FORKED]] as const) {
      mkdirSync(path.join(cwd, dir, 'versions'), { recursive: true });
      for (const m of steps) writeFileSync(path.join(cwd, dir, 'versions', `${m.id}.ts`), stepSource(m));
    }
    mkdirSync(saved);
    for (const [start, target] of [['b2', 'b2'], ['head', 'head']] as const) {
      restore('none');
      const up = await cgmigrate(['upgrade', target, '--quiet'], { cwd });
      expect(up.code, up.stderr).toBe(0);
      copyFileSync(db, path.join(saved, `${start}.db`));
    }
    // A database at a revision no migration file defines any more (stamp --purge's case).
    copyFileSync(path.join(saved, 'head.db'), path.join(saved, 'ghost.db'));
    const ghost = new DatabaseSync(path.join(saved, 'ghost.db'));
    ghost.exec("UPDATE alembic_version SET version_num = 'zz99'");
    ghost.close();
  });
  afterAll(() => project.cleanup());

  it.each(MIGRATE_CASES.map((c) => [`${c.args.join(' ')} (from ${c.from}${c.env ? `, ${JSON.stringify(c.env)}` : ''}${c.locked ? ', locked' : ''})`, c] as const))(
    '%s',
    async (_name, c) => {
      const trace = path.join(cwd, 'trace.txt');
      rmSync(trace, { force: true });
      const viaFast = await runFrom(c, { CGMIGRATE_TRACE_FILE: trace }, ['--import', TRACE_HOOK]);
      const loaded = loadedModules(trace).join('\n');
      const viaOclif = await runFrom(c, { CGMIGRATE_NO_FAST_PATH: '1' });
      expect(shown(viaFast.run)).toEqual(shown(viaOclif.run));
      expect({ versions: viaFast.versions, tables: viaFast.tables }).toEqual({ versions: viaOclif.versions, tables: viaOclif.tables });
      expect(viaFast.run.stdout + viaFast.run.stderr).not.toContain('s3cretpw');
      if (c.fast) {
        expect(loaded).toContain('/dist/run/fast-entry.js');
        expect(loaded).not.toContain('@oclif/core');
      } else {
        expect(loaded).toContain('@oclif/core');
      }
    },
  );

  it('a bare `upgrade` whose stdin holds a target goes to oclif, which reads it from there', async () => {
    const withStdin = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        // The environment as `cgmigrate()` makes it (nx sets FORCE_COLOR).
        const environment: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
        for (const key of ['DATABASE_URL', 'FORCE_COLOR', 'DEBUG']) delete environment[key];
        const child = spawn(process.execPath, [BIN, 'upgrade'], { cwd, env: environment, stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stderr }));
        child.stdin.end('a1\n');
      });
    restore('none');
    const viaFast = await withStdin({});
    const fastVersions = versionRows(db);
    restore('none');
    const viaOclif = await withStdin({ CGMIGRATE_NO_FAST_PATH: '1' });
    expect(viaFast).toEqual(viaOclif);
    expect(fastVersions).toEqual(versionRows(db));
    expect(viaFast).toEqual({ code: 0, stderr: 'Running upgrade  -> a1, Create accounts\n' });
  });

  it('on a terminal: the same progress lines, totals and failed steps', async () => {
    const script = ['/usr/bin/script', '/bin/script'].find((file) => existsSync(file));
    const onTerminal = (args: readonly string[], env: Record<string, string>) => {
      const command = [process.execPath, BIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
      const environment: Record<string, string | undefined> = { ...process.env, TERM: 'xterm', COLUMNS: '120', FORCE_COLOR: '1', ...env };
      delete environment['NO_COLOR'];
      delete environment['DATABASE_URL'];
      return new Promise<{ code: number; output: string }>((resolve) => {
        execFile(
          // util-linux's `script` gives the CLI a real terminal; the test fails rather than skips without it.
          script ?? '/usr/bin/script (util-linux: apt-get install -y bsdutils) is not installed',
          ['-qec', command, '/dev/null'],
          { cwd, encoding: 'utf8', env: environment },
          (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: withoutDurations(stdout) }),
        );
      });
    };
    const runs: [readonly string[], Start, Record<string, string>][] = [
      [['upgrade', 'head'], 'none', {}],
      [['upgrade', 'head', '--verbose'], 'none', { CGM_FAIL: 'b2' }],
      [['downgrade', 'base'], 'head', {}],
      [['stamp', 'head'], 'none', {}],
    ];
    for (const [args, from, env] of runs) {
      restore(from);
      const viaFast = await onTerminal(args, env);
      restore(from);
      const viaOclif = await onTerminal(args, { ...env, CGMIGRATE_NO_FAST_PATH: '1' });
      expect(viaFast, args.join(' ')).toEqual(viaOclif);
      expect(viaFast.output).toContain('\r\u001B[2K');
    }
  });
});
