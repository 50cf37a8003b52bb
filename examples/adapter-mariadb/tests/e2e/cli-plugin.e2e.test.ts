// @module-tag mariadb
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { blocksRunBy, REPO_ROOT, shellCommands } from '../../../../tools/docs/fenced-blocks.js';
import { createTestMariaDbDatabase, type TestMariaDbDatabase } from '../../../../tools/test-db/mariadb.js';

const PLUGIN_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CLI_BIN = fileURLToPath(new URL('../../../../packages/cli/bin/run.js', import.meta.url));
const EXAMPLE_MIGRATIONS = fileURLToPath(new URL('../../../cloudguard-anomaly/migrations', import.meta.url));
/** docs/writing-an-adapter.md's "After that:" block: install the plugin from the repository's root, then upgrade a project. */
const [AFTER_THAT] = blocksRunBy('docs/writing-an-adapter.md', 'examples/adapter-mariadb/tests/e2e/cli-plugin.e2e.test.ts');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The plugin installed into the built CLI, as a user would: `cgmigrate plugins install
 * file:<path>` (and, once, `plugins link <path>`), into an oclif data, config and cache directory of the test's own (oclif reads
 * `CGMIGRATE_DATA_DIR`, `CGMIGRATE_CONFIG_DIR` and `CGMIGRATE_CACHE_DIR`), so the
 * machine's real CLI setup is never touched.
 */
describe('the MariaDB adapter as a cgmigrate CLI plugin', () => {
  let home: string;
  let project: string;
  let db: TestMariaDbDatabase;

  const cgmigrate = (args: readonly string[], env: Record<string, string> = {}): Promise<Run> => run(process.execPath, [CLI_BIN, ...args], project, env);

  /** A command line as a user types it, in `sh`, with the built CLI as the `cgmigrate` on PATH. */
  const sh = (command: string, cwd: string, env: Record<string, string> = {}): Promise<Run> =>
    run('sh', ['-c', command], cwd, { PATH: [path.join(home, 'bin'), process.env['PATH']].join(path.delimiter), ...env });

  const run = (file: string, args: readonly string[], cwd: string, env: Record<string, string>): Promise<Run> => {
    const childEnv: Record<string, string | undefined> = {
      ...process.env,
      NO_COLOR: '1',
      CGMIGRATE_DATA_DIR: path.join(home, 'data'),
      CGMIGRATE_CONFIG_DIR: path.join(home, 'config'),
      CGMIGRATE_CACHE_DIR: path.join(home, 'cache'),
      ...env,
    };
    if (!env['DATABASE_URL']) delete childEnv['DATABASE_URL'];
    // Nx sets FORCE_COLOR for its tasks; it would win over NO_COLOR.
    delete childEnv['FORCE_COLOR'];
    delete childEnv['DEBUG'];
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  };

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'cgmigrate-plugin-'));
    project = path.join(home, 'project');
    mkdirSync(project);
    mkdirSync(path.join(home, 'bin'));
    writeFileSync(path.join(home, 'bin', 'cgmigrate'), `#!/bin/sh\nexec '${process.execPath}' '${CLI_BIN}' "$@"\n`);
    chmodSync(path.join(home, 'bin', 'cgmigrate'), 0o755);
    cpSync(EXAMPLE_MIGRATIONS, path.join(project, 'migrations'), { recursive: true });
    db = await createTestMariaDbDatabase('cgm_plugin_e2e');
  });

  afterAll(async () => {
    await db?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it('has no adapter for mysql:// before the plugin is installed, and says how to get one', async () => {
    const run = await cgmigrate(['upgrade', 'head'], { DATABASE_URL: db.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Error [ADAPTER_NOT_FOUND]: No database adapter for 'mysql'");
    expect(run.stderr).toContain('cgmigrate plugins install <plugin>');
    expect(await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")).toEqual([]);
  });

  it('installs the plugin from its folder with plugins install file:<path>, after which DATABASE_URL=mysql://… cgmigrate upgrade head migrates MariaDB', async () => {
    const [installLine, upgradeLine] = shellCommands(AFTER_THAT!);
    expect(installLine).toBe('cgmigrate plugins install "file:$PWD/examples/adapter-mariadb"');
    // From the repository's root, as the document says: $PWD/examples/adapter-mariadb is this plugin.
    const install = await sh(installLine!, REPO_ROOT);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stderr).toContain(`Installing plugin file:${path.resolve(PLUGIN_DIR)}... installed v0.1.0`);
    const plugins = await cgmigrate(['plugins']);
    expect(plugins.stdout).toBe('@cloudguard-examples/migrate-adapter-mariadb 0.1.0\n'); // a user plugin: no "(link)"

    // no OCLIF_DISABLE_LINKED_ESM_WARNING: an installed plugin, unlike a linked one, prints no note
    // The document's upgrade, in the project, on the throwaway database in place of its URL.
    expect(upgradeLine).toMatch(/^DATABASE_URL=mysql:\/\/\S+ cgmigrate upgrade head$/);
    const up = await sh(upgradeLine!.replace(/^DATABASE_URL=\S+/, `DATABASE_URL=${db.url}`), project);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toBe(
      [
        'Running upgrade  -> 000001, Initial schema',
        'Running upgrade 000001 -> 000002, Add alert acknowledgement',
        'Running upgrade 000002 -> 000003, Seed default policies',
        '',
      ].join('\n'),
    );
    const tables = await db.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name',
    );
    expect(tables.map((row) => row.name)).toEqual([
      'alembic_version', 'alerts', 'anomaly_findings', 'cgmigrate_audit', 'cloud_accounts', 'policies', 'resources', 'scans',
    ]);
    expect(await db.query('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '000003' }]);
    const audit = await db.query<{ revision: string; direction: string }>('SELECT revision, direction FROM cgmigrate_audit ORDER BY id');
    expect(audit).toEqual([
      { revision: '000001', direction: 'upgrade' },
      { revision: '000002', direction: 'upgrade' },
      { revision: '000003', direction: 'upgrade' },
    ]);

    const current = await cgmigrate(['current'], { DATABASE_URL: db.url, OCLIF_DISABLE_LINKED_ESM_WARNING: '1' });
    expect(current.stdout).toBe('000003 (head)\n');
    const down = await cgmigrate(['downgrade', '-1', '--json'], { DATABASE_URL: db.url, OCLIF_DISABLE_LINKED_ESM_WARNING: '1' });
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ from: ['000003'], to: ['000002'] });
    expect(await db.query('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '000002' }]);
  });

  it('renders upgrade head --sql without connecting; piped into the mariadb client it leaves what an online upgrade (and downgrade) leaves', async () => {
    const offline = await createTestMariaDbDatabase('cgm_plugin_sql');
    const online = await createTestMariaDbDatabase('cgm_plugin_online');
    try {
      const env = { OCLIF_DISABLE_LINKED_ESM_WARNING: '1' };
      // the URL is only parsed: a password that would be refused, and no connection, are fine
      const offlineUrl = new URL(offline.url);
      offlineUrl.password = 's3cret-pw';
      const rendered = await cgmigrate(['upgrade', 'head', '--sql'], { ...env, DATABASE_URL: offlineUrl.toString() });
      expect(rendered.code, rendered.stderr).toBe(0);
      expect(rendered.stdout).toMatch(/^-- MariaDB \(like MySQL\) has no transactional DDL/);
      expect(rendered.stdout).toContain('`cgmigrate stamp <revision>`');
      expect(rendered.stdout).toContain("INSERT INTO `alembic_version` (version_num) VALUES ('000001');");
      expect(rendered.stdout.trimEnd().endsWith('COMMIT;')).toBe(true);
      expect(rendered.stderr).toContain('Running upgrade 000002 -> 000003, Seed default policies');
      expect(rendered.stdout + rendered.stderr).not.toContain('s3cret-pw');
      expect(await offline.query('SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()')).toEqual([]);

      // DATABASE_URL=… cgmigrate upgrade head --sql | mariadb -uroot -h127.0.0.1 <db>, as a DBA would run it
      const server = new URL(offline.url);
      const client = ['mariadb', `-u${decodeURIComponent(server.username || 'root')}`, `-h${server.hostname}`, `-P${server.port || '3306'}`, offline.name];
      if (server.password) client.splice(2, 0, `-p${decodeURIComponent(server.password)}`);
      const pluginEnv = {
        ...env,
        CGMIGRATE_DATA_DIR: path.join(home, 'data'),
        CGMIGRATE_CONFIG_DIR: path.join(home, 'config'),
        CGMIGRATE_CACHE_DIR: path.join(home, 'cache'),
      };
      const piped = await shell(
        `${quote(process.execPath)} ${quote(CLI_BIN)} upgrade head --sql | ${client.map(quote).join(' ')}`,
        { ...pluginEnv, DATABASE_URL: offlineUrl.toString() },
        project,
      );
      expect(piped.code, piped.stderr).toBe(0);

      const up = await cgmigrate(['upgrade', 'head'], { ...env, DATABASE_URL: online.url });
      expect(up.code, up.stderr).toBe(0);

      const [offlineState, onlineState] = [await databaseState(offline), await databaseState(online)];
      expect(offlineState.tables).toEqual([
        'alembic_version', 'alerts', 'anomaly_findings', 'cgmigrate_audit', 'cloud_accounts', 'policies', 'resources', 'scans',
      ]);
      expect(offlineState).toEqual(onlineState);
      expect(offlineState.versions).toEqual([{ version_num: '000003' }]);
      expect(offlineState.audit.map((row) => [row.revision, row.direction])).toEqual([
        ['000001', 'upgrade'],
        ['000002', 'upgrade'],
        ['000003', 'upgrade'],
      ]);
      // what differs by design: the offline rows take the server's clock and time nothing
      const durations = await offline.query<{ duration_ms: number }>('SELECT duration_ms FROM cgmigrate_audit');
      expect(durations.map((row) => Number(row.duration_ms))).toEqual([0, 0, 0]);

      // the database migrated from the script reads as migrated: nothing pending, no edited files
      const current = await cgmigrate(['current'], { ...env, DATABASE_URL: offline.url });
      expect(current.stdout).toBe('000003 (head)\n');
      const check = await cgmigrate(['check'], { ...env, DATABASE_URL: offline.url });
      expect(check.code, check.stdout + check.stderr).toBe(0);

      // and back down to base, against an online downgrade (op.dropIndex names the table, as MariaDB's DROP INDEX needs)
      const down = await shell(
        `${quote(process.execPath)} ${quote(CLI_BIN)} downgrade head:base --sql | ${client.map(quote).join(' ')}`,
        { ...pluginEnv, DATABASE_URL: offlineUrl.toString() },
        project,
      );
      expect(down.code, down.stderr).toBe(0);
      expect((await cgmigrate(['downgrade', 'base'], { ...env, DATABASE_URL: online.url })).code).toBe(0);
      const [offlineDown, onlineDown] = [await databaseState(offline), await databaseState(online)];
      expect(offlineDown).toEqual(onlineDown);
      expect(offlineDown.tables).toEqual(['alembic_version', 'cgmigrate_audit']);
      expect(offlineDown.versions).toEqual([]);
      expect(offlineDown.audit.map((row) => `${row.revision} ${row.direction}`).slice(3)).toEqual([
        '000003 downgrade',
        '000002 downgrade',
        '000001 downgrade',
      ]);
    } finally {
      await offline.drop();
      await online.drop();
    }
  });

  it("finds the plugin's adapter by package name from the config file's adapter key", async () => {
    writeFileSync(
      path.join(project, 'cgmigrate.config.json'),
      JSON.stringify({ adapter: '@cloudguard-examples/migrate-adapter-mariadb', url: db.url }),
    );
    try {
      const up = await cgmigrate(['upgrade', 'head', '--json'], { OCLIF_DISABLE_LINKED_ESM_WARNING: '1' });
      expect(up.code, up.stderr).toBe(0);
      expect(JSON.parse(up.stdout)).toMatchObject({ from: ['000002'], to: ['000003'] });
    } finally {
      rmSync(path.join(project, 'cgmigrate.config.json'));
    }
  });

  it('reports a migration that fails after its DDL, says what stayed applied, and recovers with stamp', async () => {
    const versions = path.join(project, 'migrations', 'versions');
    writeFileSync(
      path.join(versions, '20250101_000004_half_done.ts'),
      `export default {
  revision: '000004',
  downRevision: '000003',
  message: 'Half done',
  async up(op) {
    await op.execute('CREATE TABLE scan_notes (id INTEGER PRIMARY KEY, note VARCHAR(200))');
    await op.execute('INSERT INTO no_such_table (id) VALUES (1)');
  },
  async down(op) {
    await op.execute('DROP TABLE scan_notes');
  },
};
`,
    );
    const env = { DATABASE_URL: db.url, OCLIF_DISABLE_LINKED_ESM_WARNING: '1' };
    const failed = await cgmigrate(['upgrade', 'head'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Error [MIGRATION_FAILED]: Upgrade of revision 000004');
    expect(failed.stderr).toContain('at statement: INSERT INTO no_such_table (id) VALUES (1)');
    expect(failed.stderr).toContain('MariaDB has no transactional DDL');
    expect(failed.stderr).toContain('- CREATE TABLE scan_notes (id INTEGER PRIMARY KEY, note VARCHAR(200))');
    expect(failed.stderr).toContain('alembic_version now holds 000003');
    expect(failed.stderr).toContain('cgmigrate stamp <revision>');
    // the hint follows what happened: statements committed, so no claim of a rollback, and the way to recover
    const hint = failed.stderr.split('\n').find((line) => line.startsWith('Hint: '));
    expect(hint).toContain('may have committed: nothing was rolled back');
    expect(hint).toContain('undo or finish those statements by hand, then either record the revision the schema now matches with `cgmigrate stamp <revision>`');
    expect(failed.stderr).not.toContain('were rolled back');
    // what MariaDB could not roll back is there; the version table says where the last whole migration left it
    expect(await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'scan_notes'")).toHaveLength(1);
    expect(await db.query('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '000003' }]);

    // the operator finishes the migration by hand and records it
    const stamped = await cgmigrate(['stamp', '000004'], env);
    expect(stamped.code, stamped.stderr).toBe(0);
    expect(await db.query('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '000004' }]);
    expect((await cgmigrate(['current'], env)).stdout).toBe('000004 (head)\n');
  });

  it('a script that stops half-way leaves the migrations before the failed one recorded, as its opening note says; stamp --sql recovers', async () => {
    // 000004 (from the previous test) creates scan_notes, then fails on a table that does not exist
    const db2 = await createTestMariaDbDatabase('cgm_plugin_halfway');
    try {
      const server = new URL(db2.url);
      const client = ['mariadb', `-u${decodeURIComponent(server.username || 'root')}`, `-h${server.hostname}`, `-P${server.port || '3306'}`, db2.name];
      if (server.password) client.splice(2, 0, `-p${decodeURIComponent(server.password)}`);
      const env = {
        OCLIF_DISABLE_LINKED_ESM_WARNING: '1',
        DATABASE_URL: db2.url,
        CGMIGRATE_DATA_DIR: path.join(home, 'data'),
        CGMIGRATE_CONFIG_DIR: path.join(home, 'config'),
        CGMIGRATE_CACHE_DIR: path.join(home, 'cache'),
      };
      const cli = `${quote(process.execPath)} ${quote(CLI_BIN)}`;
      const failed = await shell(`${cli} upgrade head --sql --quiet | ${client.map(quote).join(' ')}`, env, project);
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toContain("ERROR 1146 (42S02) at line");
      expect(failed.stderr).toContain('no_such_table');
      // the DDL before the failure was committed by MariaDB; the version table names the last whole migration
      expect(await db2.query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'scan_notes'")).toHaveLength(1);
      expect(await db2.query('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '000003' }]);

      // the DBA finishes 000004 by hand and records it, offline too
      const stamped = await shell(`${cli} stamp 000003:000004 --sql --quiet | ${client.map(quote).join(' ')}`, env, project);
      expect(stamped.code, stamped.stderr).toBe(0);
      expect(await db2.query('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '000004' }]);
      const audit = await db2.query<{ revision: string; direction: string }>('SELECT revision, direction FROM cgmigrate_audit ORDER BY id');
      expect(audit.map((row) => `${row.revision} ${row.direction}`)).toEqual(['000001 upgrade', '000002 upgrade', '000003 upgrade', '000004 stamp']);
    } finally {
      await db2.drop();
    }
  });

  it('links the plugin for development with plugins link <path> --no-install, as the README shows', async () => {
    const dirs = {
      CGMIGRATE_DATA_DIR: path.join(home, 'link-data'),
      CGMIGRATE_CONFIG_DIR: path.join(home, 'link-config'),
      CGMIGRATE_CACHE_DIR: path.join(home, 'link-cache'),
    };
    const link = await cgmigrate(['plugins', 'link', PLUGIN_DIR, '--no-install'], dirs);
    expect(link.code, link.stderr).toBe(0);
    const plugins = await cgmigrate(['plugins'], dirs);
    expect(plugins.stdout).toContain('@cloudguard-examples/migrate-adapter-mariadb 0.1.0 (link)');
    const current = await cgmigrate(['current'], { ...dirs, DATABASE_URL: db.url, OCLIF_DISABLE_LINKED_ESM_WARNING: '1' });
    expect(current.code, current.stderr).toBe(0);
  });
});

/** Runs a shell pipeline with bash's pipefail, so that a failure on either side fails it. */
function shell(command: string, env: Record<string, string>, cwd: string): Promise<Run> {
  const childEnv: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  delete childEnv['FORCE_COLOR'];
  delete childEnv['DEBUG'];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Every table's `SHOW CREATE TABLE`, the version rows, and the audit rows without their clock. */
async function databaseState(db: TestMariaDbDatabase): Promise<{
  tables: string[];
  ddl: string[];
  versions: unknown[];
  audit: { revision: string; direction: string; checksum: string | null; applied_by: string | null; host: string | null; cgmigrate_version: string | null }[];
  policies: unknown[];
}> {
  const tables = (
    await db.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name')
  ).map((row) => row.name);
  const ddl: string[] = [];
  for (const table of tables) {
    const [row] = await db.query<Record<string, string>>(`SHOW CREATE TABLE \`${table}\``);
    ddl.push(row!['Create Table']!);
  }
  return {
    tables,
    ddl,
    versions: await db.query('SELECT version_num FROM alembic_version ORDER BY version_num'),
    audit: await db.query('SELECT revision, direction, checksum, applied_by, host, cgmigrate_version FROM cgmigrate_audit ORDER BY id'),
    policies: tables.includes('policies')
      ? await db.query('SELECT id, name, description, severity, resource_type, rule, enabled FROM policies ORDER BY id')
      : [],
  };
}
