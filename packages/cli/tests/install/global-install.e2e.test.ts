/**
 * What a user gets from the install from a checkout that README.md and
 * docs/getting-started.md give: `npm run pack` (the five packages built and packed exactly
 * as they would be published, into dist/packages/) and the `npm install --global …` command
 * it prints, run as printed into an empty global prefix from the npm cache (offline). The
 * installed `cgmigrate` is then run from an empty project directory whose PATH holds only
 * Node 24 and the system tools — no workspace, no hoisted node_modules.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { blocksRunBy, shellCommands, testPath } from '../docs/doc-shell.js';
import { fillMigration, versionRows } from '../e2e/cli.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const TEST = testPath(import.meta.url);
/** README.md's Install and Quick start blocks, and getting-started.md's install block. */
const [readmeInstall, quickStart] = blocksRunBy('README.md', TEST);
const [guideInstall] = blocksRunBy('docs/getting-started.md', TEST);
const PACKAGES = ['core', 'adapter-kit', 'adapter-sqlite', 'adapter-postgres', 'cli'];
/** The repository's Node 24 (root devDependency `node`), else the one running the tests. */
const NODE_BIN = existsSync(path.join(REPO, 'node_modules/node/bin/node'))
  ? path.join(REPO, 'node_modules/node/bin')
  : path.dirname(process.execPath);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a user's shell: nothing inherited from `npm test`, Nx or vitest. */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(npm_|NX_|VITEST|NODE_OPTIONS$|DATABASE_URL$|FORCE_COLOR$|DEBUG$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, PATH: [NODE_BIN, '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter), NO_COLOR: '1', ...extra };
}

function run(file: string, args: readonly string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'cgmigrate-global-')));
const prefix = path.join(root, 'global');
const bin = path.join(prefix, 'bin', 'cgmigrate');
const home = path.join(root, 'home');
const timings: Record<string, number> = {};
let installCommand: string;
let install: Run;
let npmMode = '--offline';

/** Runs the globally installed cgmigrate, as a user would type it. */
function cgmigrate(args: readonly string[], cwd: string, extra: Record<string, string> = {}): Promise<Run> {
  // HOME and XDG folders of its own, so the autocomplete cache and oclif's data stay in the test's folder.
  return run(bin, args, cwd, userEnv({ XDG_CACHE_HOME: path.join(home, 'cache'), XDG_DATA_HOME: path.join(home, 'data'), ...extra }));
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
}

beforeAll(async () => {
  mkdirSync(home, { recursive: true });
  const packed = await timed('npm run pack', () => run('npm', ['run', 'pack'], REPO, userEnv()));
  expect(packed.code, packed.stderr).toBe(0);
  const printed = /^\s*(npm install --global \S+)$/m.exec(packed.stdout)?.[1];
  expect(printed, packed.stdout).toBeDefined();
  installCommand = printed!;
  install = await timed('npm i -g', async () => {
    // The printed command, as a user's shell runs it, into the test's own global prefix. The
    // npm cache holds every dependency; --offline proves no registry is needed. A cache that
    // lacks an index document (a fresh CI cache) falls back to --prefer-offline.
    const command = `${installCommand} --prefix ${prefix} --no-audit --no-fund`;
    const offline = await run('sh', ['-c', `${command} --offline`], REPO, userEnv());
    if (offline.code === 0 || !/ENOTCACHED/.test(offline.stderr)) return offline;
    npmMode = '--prefer-offline';
    return run('sh', ['-c', `${command} --prefer-offline`], REPO, userEnv());
  });
}, 180_000);

afterAll(() => {
  console.info(`global install test: ${JSON.stringify({ ...timings, npm: npmMode })}`);
  rmSync(root, { recursive: true, force: true });
});

describe('npm i -g of the packed packages', () => {
  it('packs the five packages with `npm run pack`, which prints the install command the docs give', () => {
    expect(readdirSync(path.join(REPO, 'dist/packages')).sort()).toEqual(PACKAGES.map((name) => `cloudguard-migrate-${name}-0.1.0.tgz`).sort());
    expect(installCommand).toBe('npm install --global ./dist/packages/*.tgz');
    // The commands the documents give are the ones this test ran.
    expect(shellCommands(readmeInstall!)).toEqual(['npm run pack', installCommand]);
    expect(shellCommands(guideInstall!)).toEqual(['npm run pack', installCommand, 'cgmigrate --version']);
  });

  it('installs with no install script to allow and no flag to know', () => {
    expect(install.code, install.stderr).toBe(0);
    expect(existsSync(bin)).toBe(true);
    // better-sqlite3 ships prebuilt binaries: npm 11 blocking its install script must not matter.
    expect(install.stderr).not.toMatch(/better-sqlite3.*(install|preinstall|postinstall):/);
    for (const name of ['migrate-core', 'migrate-adapter-kit', 'migrate-adapter-sqlite', 'migrate-adapter-postgres', 'migrate-cli']) {
      expect(existsSync(path.join(prefix, 'lib/node_modules/@cloudguard', name, 'package.json'))).toBe(true);
    }
  });

  it('gives each library an ESM exports map whose JavaScript and declarations are all in the package', async () => {
    const libraries = ['migrate-core', 'migrate-adapter-kit', 'migrate-adapter-sqlite', 'migrate-adapter-postgres'];
    for (const name of libraries) {
      const packageRoot = path.join(prefix, 'lib/node_modules/@cloudguard', name);
      const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {
        type: string;
        exports: Record<string, string | { types: string; default: string }>;
      };
      expect(manifest.type).toBe('module');
      for (const [entry, target] of Object.entries(manifest.exports)) {
        const files = typeof target === 'string' ? [target] : [target.types, target.default];
        if (typeof target !== 'string') expect(target.types, `${name} ${entry}`).toMatch(/\.d\.ts$/);
        for (const file of files) expect(existsSync(path.join(packageRoot, file)), `${name} ${entry} → ${file}`).toBe(true);
      }
    }
    // A consumer resolves the packages through their exports maps, as an application would.
    const consumer = mkdtempSync(path.join(root, 'consumer-'));
    symlinkSync(path.join(prefix, 'lib/node_modules'), path.join(consumer, 'node_modules'), 'dir');
    writeFileSync(
      path.join(consumer, 'imports.mjs'),
      [
        "const core = { ...(await import('@cloudguard/migrate-core')), ...(await import('@cloudguard/migrate-core/adapter')) };",
        "const sqlite = (await import('@cloudguard/migrate-adapter-sqlite')).default;",
        "const postgres = (await import('@cloudguard/migrate-adapter-postgres')).default;",
        'console.log(JSON.stringify([typeof core.upgrade, typeof core.AdapterRegistry, sqlite.name, postgres.name]));',
      ].join('\n'),
    );
    const imported = await run(path.join(NODE_BIN, 'node'), ['imports.mjs'], consumer, userEnv());
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual(['function', 'function', 'sqlite', 'postgresql']);
  });

  it('prints its version and help without a project', async () => {
    const empty = mkdtempSync(path.join(root, 'nothing-'));
    // getting-started.md's last install step, as typed: the `cgmigrate` on PATH.
    const env = userEnv({ PATH: [path.join(prefix, 'bin'), userEnv().PATH].join(path.delimiter), XDG_CACHE_HOME: path.join(home, 'cache'), XDG_DATA_HOME: path.join(home, 'data') });
    const version = await run('sh', ['-c', shellCommands(guideInstall!)[2]!], empty, env);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^@cloudguard\/migrate-cli\/0\.1\.0 \S+ node-v24\./);
    const help = await cgmigrate(['--help'], empty);
    expect(help.code, help.stderr).toBe(0);
    for (const command of ['init', 'revision', 'upgrade', 'downgrade', 'current', 'history', 'check', 'autocomplete']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('runs init, revision, upgrade head and current on SQLite from an empty directory', async () => {
    const project = mkdtempSync(path.join(root, 'project-'));
    const init = await timed('init', () => cgmigrate(['init'], project));
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(path.join(project, 'cgmigrate.config.ts'))).toBe(true);

    const revision = await cgmigrate(['revision', '-m', 'Create accounts'], project);
    expect(revision.code, revision.stderr).toBe(0);
    const file = revision.stdout.trim();
    expect(file).toMatch(/migrations\/versions\/\d{8}_[0-9a-f]{12}_create_accounts\.ts$/);
    fillMigration(file, 'accounts');
    const id = /_([0-9a-f]{12})_/.exec(file)![1]!;

    const upgrade = await timed('upgrade (sqlite)', () => cgmigrate(['upgrade', 'head'], project));
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stderr).toContain(`Running upgrade  -> ${id}, Create accounts`);
    expect(versionRows(path.join(project, 'cloudguard.db'))).toEqual([id]);

    const current = await cgmigrate(['current'], project);
    expect(current.code, current.stderr).toBe(0);
    expect(current.stdout).toBe(`${id} (head)\n`);
  });

  it("runs README's Quick start as written, with the global cgmigrate on PATH", async () => {
    const commands = shellCommands(quickStart!);
    expect(commands[0]).toBe('cgmigrate init');
    const project = mkdtempSync(path.join(root, 'quick-start-'));
    const env = userEnv({ PATH: [path.join(prefix, 'bin'), userEnv().PATH].join(path.delimiter), XDG_CACHE_HOME: path.join(home, 'cache'), XDG_DATA_HOME: path.join(home, 'data') });
    let id: string | undefined;
    for (const command of commands) {
      const ran = await run('sh', ['-c', command], project, env);
      expect(ran.code, `${command}\n${ran.stderr}`).toBe(0);
      if (command.startsWith('cgmigrate revision')) {
        // "… write up() and down() …"
        fillMigration(path.resolve(project, ran.stdout.trim()), 'accounts');
        id = /_([0-9a-f]{12})_/.exec(ran.stdout)![1]!;
      }
      if (command === 'cgmigrate current') expect(ran.stdout).toBe(`${id} (head)\n`);
      if (command === 'cgmigrate history') expect(ran.stdout).toBe(`<base> -> ${id} (head), Initial schema\n`);
    }
    expect(versionRows(path.join(project, 'cloudguard.db'))).toEqual([]);
  });

  it('runs as a devDependency of a project through npx, from the same tarballs', async () => {
    const project = mkdtempSync(path.join(root, 'dev-dependency-'));
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'service', version: '1.0.0', type: 'module', private: true }));
    const tarballs = path.join(REPO, 'dist/packages');
    const files = readdirSync(tarballs).map((file) => path.join(tarballs, file));
    const added = await timed('npm i -D', () => run('npm', ['install', '--save-dev', '--no-audit', '--no-fund', npmMode, ...files], project, userEnv()));
    expect(added.code, added.stderr).toBe(0);
    const version = await run('npx', ['--no-install', 'cgmigrate', '--version'], project, userEnv());
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^@cloudguard\/migrate-cli\/0\.1\.0 /);
    const init = await run('npx', ['--no-install', 'cgmigrate', 'init'], project, userEnv());
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(path.join(project, 'cgmigrate.config.ts'))).toBe(true);
  });

  describe('on PostgreSQL', { tags: ['postgres'] }, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('cgmigrate_global');
    });
    afterAll(() => db?.drop());

    it('runs upgrade head and current against a throwaway database', async () => {
      const project = mkdtempSync(path.join(root, 'pg-project-'));
      expect((await cgmigrate(['init'], project)).code).toBe(0);
      const file = (await cgmigrate(['revision', '-m', 'Create accounts'], project)).stdout.trim();
      fillMigration(file, 'accounts');
      const id = /_([0-9a-f]{12})_/.exec(file)![1]!;

      const upgrade = await timed('upgrade (postgres)', () => cgmigrate(['upgrade', 'head'], project, { DATABASE_URL: db.url }));
      expect(upgrade.code, upgrade.stderr).toBe(0);
      expect(upgrade.stderr).toContain(`Running upgrade  -> ${id}, Create accounts`);
      const current = await cgmigrate(['current'], project, { DATABASE_URL: db.url });
      expect(current.stdout).toBe(`${id} (head)\n`);

      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        type Rows = { rows: Record<string, unknown>[] };
        const versions = (await client.query('SELECT version_num FROM alembic_version')) as Rows;
        expect(versions.rows).toEqual([{ version_num: id }]);
        const accounts = (await client.query("SELECT to_regclass('public.accounts')::text AS t")) as Rows;
        expect(accounts.rows).toEqual([{ t: 'accounts' }]);
      } finally {
        await client.end();
      }
    });
  });

  it('explains an error code from the reference in the installed package, which every error names', async () => {
    const cli = path.join(prefix, 'lib/node_modules/@cloudguard/migrate-cli');
    expect(existsSync(path.join(cli, 'docs/errors.md'))).toBe(true);
    const empty = mkdtempSync(path.join(root, 'explain-'));
    const explained = await cgmigrate(['explain', 'LOCK_TIMEOUT'], empty);
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toMatch(/^LOCK_TIMEOUT\n\nMessage: `Could not take the migration lock/);
    const failed = await cgmigrate(['history'], empty);
    expect(failed.code).toBe(2);
    const code = /^Error \[([A-Z_]+)\]/.exec(failed.stderr)?.[1];
    expect(failed.stderr.trimEnd().split('\n').at(-1)).toBe(`See: cgmigrate explain ${code}`);
  });

  it('gives every package a README', () => {
    for (const name of ['migrate-core', 'migrate-adapter-kit', 'migrate-adapter-sqlite', 'migrate-adapter-postgres', 'migrate-cli']) {
      const readme = readFileSync(path.join(prefix, 'lib/node_modules/@cloudguard', name, 'README.md'), 'utf8');
      expect(readme.startsWith(`# @cloudguard/${name}\n`), name).toBe(true);
    }
  });

  it('suggests the command meant by a typo and exits 2', async () => {
    const typo = await cgmigrate(['upgarde'], root);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Error [COMMAND_NOT_FOUND]: 'upgarde' is not a cgmigrate command.");
    expect(typo.stderr).toContain('Did you mean `cgmigrate upgrade`?');
  });
});
