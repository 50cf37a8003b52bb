import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cgmigrate, tables } from './cli.js';

/**
 * What cgmigrate runs is the migration file, whatever another local user left in the
 * cache folders at their predictable paths (issue 16, finding 1). Node's compile cache
 * and cgmigrate's code cache of migrations live under `<temp dir>/node-compile-cache`;
 * here the temp dir (`TMPDIR`) is a world-writable, sticky folder like `/tmp`, and the
 * other user is `nobody`, who prepares the folder and a forged cache entry before root
 * runs `cgmigrate`.
 */
const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const isRoot = process.getuid?.() === 0;
const hasRunuser = spawnSync('runuser', ['--help'], { stdio: 'ignore' }).status === 0;

let base: string;
let project: string;
let shared: string;
let versions: string;
let marker: string;

const MIGRATIONS: Record<string, string> = {
  '1_a1.ts': 'create table account (id integer primary key)',
  '2_b2.ts': 'create table invoice (id integer primary key)',
};

function migration(revision: string, down: string | null, sql: string, table: string): string {
  return `/**
 * ${revision}
 */
import type { Migration } from '@cloudguard/migrate-core';

export default {
  revision: '${revision}',
  downRevision: ${down === null ? 'null' : `'${down}'`},

  async up(op) {
    await op.execute('${sql}');
  },

  async down(op) {
    await op.execute('drop table ${table}');
  },
} satisfies Migration;
`;
}

beforeEach(() => {
  // 0755, so that nobody can reach the shared folder inside; the project stays root's.
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-cache-trust-')));
  chmodSync(base, 0o755);
  shared = path.join(base, 'shared-tmp');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  project = path.join(base, 'project');
  versions = path.join(project, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'p', private: true, type: 'module' }));
  writeFileSync(path.join(project, 'cgmigrate.config.json'), JSON.stringify({ url: 'sqlite:///app.db', scriptLocation: 'migrations' }));
  writeFileSync(path.join(versions, '1_a1.ts'), migration('a1', null, MIGRATIONS['1_a1.ts']!, 'account'));
  writeFileSync(path.join(versions, '2_b2.ts'), migration('b2', 'a1', MIGRATIONS['2_b2.ts']!, 'invoice'));
  marker = path.join(base, 'payload-ran');
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

/** Runs the CLI as root with `shared` as its temp dir (where Node's compile cache folder is by default). */
function run(args: readonly string[], env: Record<string, string | undefined> = {}) {
  return cgmigrate(args, { cwd: project, env: { TMPDIR: shared, NODE_COMPILE_CACHE: undefined, CGMIGRATE_NO_CACHE: undefined, ...env } });
}

/** The folder Node names its compile cache by (`<dir>/v24…-<uid>`), as root's process would: predictable. */
function compileCacheTag(): string {
  const scratch = mkdtempSync(path.join(base, 'tag-'));
  const result = spawnSync(process.execPath, ['-e', `const m = require('node:module'); m.enableCompileCache(${JSON.stringify(scratch)}); process.stdout.write(require('node:path').basename(m.getCompileCacheDir()))`], {
    encoding: 'utf8',
  });
  rmSync(scratch, { recursive: true, force: true });
  return result.stdout;
}

/**
 * A code cache file in the format cgmigrate wrote before this fix (3): each migration's
 * script text, trusted when its recorded checksum was the file's SHA-256. The forger
 * knows the file (it is in the repository) and so its checksum; the text writes `marker`.
 */
function forgedFormat3(): Buffer {
  const EXPORTS = '__cgmigrate_exports__';
  const PREFIX = `(async function (${EXPORTS}) {"use strict";\n`;
  const SUFFIX = '\n})';
  const DEFAULT_EXPORT = /^([ \t]*)export[ \t]+default\b(?!\s*(?:function\b|class\b|async\s+function\b))/m;
  const magic = `cgmigrate-scripts 3 ${sha256([PREFIX, SUFFIX, EXPORTS, DEFAULT_EXPORT.source, /\bexport\b/g.source, /\bimport\b/.source].join('\0')).slice(0, 16)}\n`;
  const entries = [];
  const blobs = [];
  for (const [name, sql] of Object.entries(MIGRATIONS)) {
    const file = path.join(versions, name);
    const revision = name.slice(2, 4);
    const table = sql.split(' ')[2];
    const text = Buffer.from(
      `${PREFIX}process.getBuiltinModule('node:fs').appendFileSync(${JSON.stringify(marker)}, 'uid ' + process.getuid() + ' ran ${name}\\n');\n` +
        `${EXPORTS}.default = { revision: '${revision}', downRevision: ${revision === 'a1' ? 'null' : "'a1'"}, async up(op) { await op.execute('${sql}'); }, async down(op) { await op.execute('drop table ${table}'); } };${SUFFIX}`,
    );
    entries.push({ file, checksum: sha256(readFileSync(file)), script: true, textBytes: text.length, cacheBytes: 0, uses: [], sha256: sha256(text) });
    blobs.push(text);
  }
  const header = Buffer.from(JSON.stringify({ entries }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([Buffer.from(magic), length, header, ...blobs]);
}

/** Runs `script` in `sh` as nobody. */
function asNobody(script: string): void {
  const result = spawnSync('runuser', ['-u', 'nobody', '--', 'sh', '-c', script], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
}

describe.skipIf(!isRoot || !hasRunuser)('another local user and the cache folders', () => {
  it("runs root's migrations from the files, not from a cache folder nobody prepared, and --verbose says why it is not used", async () => {
    const folder = path.join(shared, 'node-compile-cache');
    const scripts = path.join(folder, compileCacheTag(), 'cgmigrate-scripts');
    const forged = path.join(base, 'forged.bin');
    writeFileSync(forged, forgedFormat3(), { mode: 0o644 });
    const entry = path.join(scripts, `${sha256(versions).slice(0, 32)}.bin`);
    // Before root's first run, as the issue reproduced it: mkdir -p under the shared temp dir, then the entry.
    asNobody(`mkdir -p '${scripts}' && chmod -R 0777 '${folder}' && cp '${forged}' '${entry}'`);

    const upgrade = await run(['upgrade', 'head', '--verbose']);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(tables(path.join(project, 'app.db'))).toEqual(expect.arrayContaining(['account', 'invoice']));
    expect(existsSync(marker), existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe(false);
    expect(upgrade.stderr).toContain(`Compile cache: not used, ${folder} is owned by uid 65534, not by you (uid 0)`);
    expect(upgrade.stderr).toContain("Migration code cache: off (Node's compile cache is off)");

    // nobody rewrites the entry again after root's run, as in the issue; downgrade runs the files too.
    asNobody(`cp '${forged}' '${entry}'`);
    const downgrade = await run(['downgrade', 'base', '--verbose']);
    expect(downgrade.code, downgrade.stderr).toBe(0);
    expect(tables(path.join(project, 'app.db'))).not.toEqual(expect.arrayContaining(['account']));
    expect(tables(path.join(project, 'app.db'))).not.toEqual(expect.arrayContaining(['invoice']));
    expect(existsSync(marker)).toBe(false);
    expect(downgrade.stderr).toContain(`Compile cache: not used, ${folder} is owned by uid 65534`);
  });

  it("lints root's migrations from their statements, not from a statement cache nobody prepared", async () => {
    writeFileSync(path.join(versions, '3_c3.ts'), migration('c3', 'b2', 'drop table account', 'account'));
    // A statement cache file as root's own run writes it, in a private temp folder of root's.
    const own = path.join(base, 'root-tmp');
    mkdirSync(own, { mode: 0o700 });
    // account in use, as the database has it: dropping it is a finding.
    expect((await run(['upgrade', 'b2', '--lint', 'off'], { CGMIGRATE_NO_CACHE: '1' })).code).toBe(0);
    const first = await run(['lint'], { TMPDIR: own });
    expect(first.stdout).toContain('DROP_TABLE');
    const ownFacts = path.join(own, 'node-compile-cache', compileCacheTag(), 'cgmigrate-statement-facts');
    const [name] = readdirSync(ownFacts);
    // Forged: DROP TABLE's facts say it is a statement no rule reads.
    const forged = path.join(base, 'forged.json');
    writeFileSync(forged, readFileSync(path.join(ownFacts, name!), 'utf8').replaceAll('"kind":"dropTable"', '"kind":"other"'), { mode: 0o644 });
    expect(readFileSync(forged, 'utf8')).toContain('"kind":"other"');
    // What the forgery would do where it is trusted (a file of root's, in root's own folder): hide the finding.
    writeFileSync(path.join(ownFacts, name!), readFileSync(forged));
    expect((await run(['lint'], { TMPDIR: own })).stdout).not.toContain('DROP_TABLE');

    // nobody prepares the folder under the shared temp dir, with the forged file, before root's run.
    const folder = path.join(shared, 'node-compile-cache');
    const facts = path.join(folder, compileCacheTag(), 'cgmigrate-statement-facts');
    asNobody(`mkdir -p '${facts}' && cp '${forged}' '${path.join(facts, name!)}' && chmod -R 0777 '${folder}'`);
    const lint = await run(['lint', '--verbose']);
    expect(lint.stdout).toContain('DROP_TABLE');
    expect(lint.stderr).toContain(`Compile cache: not used, ${folder} is owned by uid 65534, not by you (uid 0)`);
    expect(lint.stderr).toContain("Lint statement cache: off (Node's compile cache is off)");
  });

  it('refuses a cache folder of its own that others can write, and says so', async () => {
    const folder = path.join(shared, 'node-compile-cache');
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    const upgrade = await run(['upgrade', 'head', '--verbose']);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stderr).toContain(`Compile cache: not used, ${folder} is writable by other users (mode 0777)`);
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('cache folders and files', () => {
  it('creates its cache folder 0700 and its files 0600', async () => {
    const upgrade = await run(['upgrade', 'head', '--verbose']);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    const folder = path.join(shared, 'node-compile-cache');
    expect(statSync(folder).mode & 0o7777).toBe(0o700);
    const [tag] = readdirSync(folder);
    const scripts = path.join(folder, tag!, 'cgmigrate-scripts');
    expect(statSync(scripts).mode & 0o7777).toBe(0o700);
    const [entry] = readdirSync(scripts);
    expect(statSync(path.join(scripts, entry!)).mode & 0o7777).toBe(0o600);
    expect(upgrade.stderr).toContain(`Compile cache: ${path.join(folder, tag!)}`);
    expect(upgrade.stderr).toContain(`Migration code cache: ${path.join(scripts, entry!)}`);
  });

  it('CGMIGRATE_NO_CACHE=1 writes no cache anywhere: no compile cache, no code cache, no header index', async () => {
    const printed: string[] = [];
    for (const args of [['upgrade', 'head'], ['history'], ['current'], ['downgrade', 'base']]) {
      const result = await run([...args, '--verbose'], { CGMIGRATE_NO_CACHE: '1' });
      expect(result.code, result.stderr).toBe(0);
      printed.push(result.stderr);
    }
    expect(readdirSync(shared)).toEqual([]);
    expect(existsSync(path.join(project, 'migrations', '.cgmigrate-cache'))).toBe(false);
    for (const stderr of printed) expect(stderr).toContain('Compile cache: off (CGMIGRATE_NO_CACHE is set)');
  });

  it('a read-only history does not write through a symbolic link planted as the header cache\'s .gitignore', async () => {
    const target = path.join(base, 'precious.txt');
    writeFileSync(target, 'not a .gitignore\n');
    const cache = path.join(project, 'migrations', '.cgmigrate-cache');
    mkdirSync(cache);
    symlinkSync(target, path.join(cache, '.gitignore'));
    const history = await run(['history']);
    expect(history.code, history.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('not a .gitignore\n');
    expect(lstatSync(path.join(cache, '.gitignore')).isSymbolicLink()).toBe(false);
  });

  it('ignores a header index of the right format but the wrong shape instead of failing every command', async () => {
    const cache = path.join(project, 'migrations', '.cgmigrate-cache');
    mkdirSync(cache);
    writeFileSync(path.join(cache, 'headers.json'), JSON.stringify({ format: 3, files: [null] }));
    const history = await run(['history']);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain('a1');
    const upgrade = await run(['upgrade', 'head']);
    expect(upgrade.code, upgrade.stderr).toBe(0);
  });
});
