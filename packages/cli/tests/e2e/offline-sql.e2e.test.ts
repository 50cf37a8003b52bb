import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, fails, tempProject, type RunResult } from './cli.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/cloudguard-anomaly', import.meta.url));

// ── a branched and merged scratch project ─────────────────────────────────────

interface ScratchMigration {
  readonly id: string;
  readonly parents: readonly string[];
  readonly up: string;
  readonly down: string;
  readonly transactional?: boolean;
}

function migrationSource(m: ScratchMigration): string {
  const down = m.parents.length === 0 ? 'null' : m.parents.length === 1 ? `'${m.parents[0]}'` : `[${m.parents.map((p) => `'${p}'`).join(', ')}]`;
  return `export default {
  revision: '${m.id}',
  downRevision: ${down},
  message: 'scratch ${m.id}',
  ${m.transactional === false ? 'transactional: false,' : ''}
  async up(op) {
${m.up}
  },
  async down(op) {
${m.down}
  },
};
`;
}

/**
 * base → a ─┬→ b (bulkInsert with awkward values, a read only online) ─┬→ m (merge) → d (Kysely builders)
 *           └→ c (parameters in op.execute) ───────────────────────────┘
 */
const BRANCHED: readonly ScratchMigration[] = [
  {
    id: 'aa01',
    parents: [],
    up: `    await op.execute('CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL, active BOOLEAN, joined VARCHAR(40))');
    await op.execute('CREATE UNIQUE INDEX ix_accounts_name ON accounts (name)');`,
    down: `    await op.execute('DROP TABLE accounts');`,
  },
  {
    id: 'bb02',
    parents: ['aa01'],
    up: `    if (!op.offline) await op.query('SELECT COUNT(*) AS n FROM accounts');
    await op.bulkInsert('accounts', [
      { id: 1, name: "O'Brien; -- not a comment ?", active: true, joined: '2024-01-02T03:04:05.000Z' },
      { id: 2, name: 'Zoë \\\\ backslash', active: false, joined: null },
      { id: -3, name: 'line\\nbreak', active: null },
    ]);`,
    down: `    await op.execute('DELETE FROM accounts WHERE id IN (1, 2, -3)');`,
  },
  {
    id: 'cc03',
    parents: ['aa01'],
    up: `    await op.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, score INTEGER)');
    await op.execute("INSERT INTO notes (id, body, score) VALUES (?, ?, ?), (?, '?', ?)", [10, "it's ?", -1, 11, 2]);`,
    down: `    await op.execute('DROP TABLE notes');`,
  },
  { id: 'dd04', parents: ['bb02', 'cc03'], up: '', down: '' },
  {
    id: 'ee05',
    parents: ['dd04'],
    up: `    await op.db.schema.createTable('tags').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('label', 'varchar(32)', (c) => c.notNull().defaultTo('none')).execute();
    await op.db.schema.createIndex('ix_tags_label').on('tags').column('label').execute();
    await op.db.insertInto('tags').values([{ id: 1, label: "q'uote" }, { id: 2, label: 'plain' }]).execute();
    await op.db.updateTable('accounts').set({ name: 'renamed' }).where('id', '=', 2).execute();`,
    down: `    await op.db.updateTable('accounts').set({ name: 'Zoë \\\\ backslash' }).where('id', '=', 2).execute();
    await op.db.schema.dropTable('tags').execute();`,
  },
];

function writeProject(dir: string, migrations: readonly ScratchMigration[], config = 'export default { scriptLocation: "migrations" };\n'): void {
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  for (const m of migrations) writeFileSync(path.join(versions, `${m.id}_scratch.ts`), migrationSource(m));
  writeFileSync(path.join(dir, 'cgmigrate.config.ts'), config);
}

/** Runs the CLI and expects success; returns what it printed. */
async function ok(args: string[], cwd: string): Promise<RunResult> {
  const run = await cgmigrate(args, { cwd });
  expect(run.code, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

/** Every statement ends with `;`, and nothing but SQL and `--` comments is on stdout. */
function expectPureSql(sql: string): void {
  expect(sql.trim().length).toBeGreaterThan(0);
  expect(sql).not.toMatch(/^(Running|Nothing|Config|Error|Hint)/m);
  expect(sql.trimEnd().endsWith(';')).toBe(true);
}

const blockStarts = (sql: string) => sql.split('\n').filter((line) => line === 'BEGIN;').length;

// ── SQLite ────────────────────────────────────────────────────────────────────

function applySqlite(file: string, sql: string): void {
  const result = spawnSync('sqlite3', ['-bail', file], { input: sql, encoding: 'utf8' });
  expect(result.stderr, sql).toBe('');
  expect(result.status).toBe(0);
}

function sqliteQuery(file: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** The schema (every CREATE statement SQLite keeps), the version rows, the audit rows without timings, and each user table's rows. */
function sqliteState(file: string): Record<string, unknown> {
  const schema = sqliteQuery(file, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
  const userTables = schema
    .filter((row) => row['type'] === 'table' && !['alembic_version', 'cgmigrate_audit'].includes(String(row['name'])))
    .map((row) => String(row['name']));
  return {
    schema,
    versions: sqliteQuery(file, 'SELECT version_num FROM alembic_version ORDER BY 1'),
    audit: sqliteQuery(file, 'SELECT revision, direction, checksum, applied_by, host, cgmigrate_version FROM cgmigrate_audit ORDER BY id'),
    rows: Object.fromEntries(
      userTables.map((table) => [table, sqliteQuery(file, `SELECT * FROM "${table}" ORDER BY 1`).map((row) => withoutClockColumns(row))]),
    ),
  };
}

/** Columns filled by CURRENT_TIMESTAMP differ between any two runs. */
function withoutClockColumns(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([column]) => !/_at$/.test(column) || column === 'joined'));
}

describe('--sql on SQLite: the script gives what an online run gives', () => {
  let project: { dir: string; cleanup: () => void };
  beforeAll(() => {
    project = tempProject();
  });
  afterAll(() => project.cleanup());

  const url = (name: string) => `sqlite:///${name}.db`;
  const file = (name: string) => path.join(project.dir, `${name}.db`);
  /** `sqlite:///` followed by an absolute path: SQLAlchemy's four slashes. */
  const absolute = (name: string) => `sqlite:///${file(name)}`;

  it('upgrade base:head, downgrade head:base and stamp of examples/cloudguard-anomaly', async () => {
    const offline = await cgmigrate(['upgrade', 'base:head', '--sql', '--url', url('example-offline')], { cwd: EXAMPLE });
    expect(offline.code, offline.stderr).toBe(0);
    expectPureSql(offline.stdout);
    expect(offline.stderr).toContain('Running upgrade  -> 000001, Initial schema');
    expect(offline.stdout).toContain('-- Running upgrade 000002 -> 000003');
    expect(blockStarts(offline.stdout)).toBe(2); // the tables' creation, then one transaction for the run
    applySqlite(file('example-offline'), offline.stdout);
    await ok(['upgrade', 'head', '--url', absolute('example-online')], EXAMPLE);
    expect(sqliteState(file('example-offline'))).toEqual(sqliteState(file('example-online')));

    // `check` reads an offline-applied database as an online one: same checksums, nothing pending.
    const checked = await cgmigrate(['check', '--url', absolute('example-offline')], { cwd: EXAMPLE });
    expect(checked.code, checked.stderr).toBe(0);

    const down = await ok(['downgrade', 'head:base', '--sql', '--url', url('unused')], EXAMPLE);
    expectPureSql(down.stdout);
    expect(down.stdout).not.toContain('CREATE TABLE IF NOT EXISTS alembic_version');
    applySqlite(file('example-offline'), down.stdout);
    await ok(['downgrade', 'base', '--url', absolute('example-online')], EXAMPLE);
    expect(sqliteState(file('example-offline'))).toEqual(sqliteState(file('example-online')));
    expect(sqliteQuery(file('example-offline'), 'SELECT version_num FROM alembic_version')).toEqual([]);

    const stamped = await ok(['stamp', 'head', '--sql', '--url', url('unused')], EXAMPLE);
    expect(stamped.stdout).toContain("INSERT INTO alembic_version (version_num) VALUES ('000003');");
    expect(stamped.stdout).not.toMatch(/create table [`"]?cloud_accounts/i);
    applySqlite(file('stamp-offline'), stamped.stdout);
    await ok(['stamp', 'head', '--url', absolute('stamp-online')], EXAMPLE);
    expect(sqliteState(file('stamp-offline'))).toEqual(sqliteState(file('stamp-online')));
  });

  it('a branched and merged history, with bulkInsert, parameters, Kysely builders and a read only online', async () => {
    const dir = path.join(project.dir, 'branched');
    writeProject(dir, BRANCHED);
    const offline = await ok(['upgrade', 'heads', '--sql', '--url', 'sqlite:///offline.db'], dir);
    expectPureSql(offline.stdout);
    expect(offline.stdout).toContain(`'O''Brien; -- not a comment ?'`);
    expect(offline.stdout).toContain("(11, '?', 2)");
    expect(offline.stdout).toMatch(/INSERT INTO alembic_version \(version_num\) VALUES \('(bb02|cc03)'\);/);
    expect(offline.stdout).toMatch(/DELETE FROM alembic_version WHERE version_num = '(bb02|cc03)';/);
    applySqlite(path.join(dir, 'offline.db'), offline.stdout);
    await ok(['upgrade', 'heads', '--url', 'sqlite:///online.db'], dir);
    expect(sqliteState(path.join(dir, 'offline.db'))).toEqual(sqliteState(path.join(dir, 'online.db')));
    expect(sqliteQuery(path.join(dir, 'offline.db'), 'SELECT name, active FROM accounts ORDER BY id')).toEqual([
      { name: 'line\nbreak', active: null },
      { name: "O'Brien; -- not a comment ?", active: 1 },
      { name: 'renamed', active: 0 },
    ]);

    const down = await ok(['downgrade', 'ee05:aa01', '--sql', '--url', 'sqlite:///unused.db'], dir);
    applySqlite(path.join(dir, 'offline.db'), down.stdout);
    await ok(['downgrade', 'aa01', '--url', 'sqlite:///online.db'], dir);
    expect(sqliteState(path.join(dir, 'offline.db'))).toEqual(sqliteState(path.join(dir, 'online.db')));
  });

  it('a range that starts at a revision continues a database an online run left there', async () => {
    await ok(['upgrade', '000001', '--url', absolute('range-offline')], EXAMPLE);
    const script = await ok(['upgrade', '000001:head', '--sql', '--url', url('unused')], EXAMPLE);
    expect(script.stdout).not.toContain('CREATE TABLE IF NOT EXISTS alembic_version');
    expect(script.stdout).not.toMatch(/create table [`"]?cloud_accounts/i);
    expect(script.stdout).toContain("UPDATE alembic_version SET version_num = '000002' WHERE version_num = '000001';");
    applySqlite(file('range-offline'), script.stdout);
    await ok(['upgrade', 'head', '--url', absolute('range-online')], EXAMPLE);
    expect(sqliteState(file('range-offline'))).toEqual(sqliteState(file('range-online')));
  });

  it('transactionPerMigration gives one BEGIN/COMMIT per migration', async () => {
    const dir = path.join(project.dir, 'per-migration');
    writeProject(dir, BRANCHED, 'export default { scriptLocation: "migrations", transactionPerMigration: true };\n');
    const { stdout } = await ok(['upgrade', 'heads', '--sql', '--url', 'sqlite:///x.db'], dir);
    expect(blockStarts(stdout)).toBe(1 + BRANCHED.length);
    expect(stdout.split('\n').filter((line) => line === 'COMMIT;')).toHaveLength(1 + BRANCHED.length);
    applySqlite(path.join(dir, 'x.db'), stdout);
    expect(sqliteQuery(path.join(dir, 'x.db'), 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: 'ee05' }]);
  });

  it('prints only SQL on stdout, notes on stderr, and the script as `sql` with --json', async () => {
    const quiet = await ok(['upgrade', 'head', '--sql', '--quiet', '--url', url('unused')], EXAMPLE);
    expect(quiet.stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expectPureSql(quiet.stdout);

    const json = await ok(['upgrade', 'head', '--sql', '--json', '--url', url('unused')], EXAMPLE);
    const result = json.json<{ sql: string; from: string[]; to: string[]; steps: { revision: string }[] }>();
    expect(result.from).toEqual([]);
    expect(result.to).toEqual(['000003']);
    expect(result.steps.map((step) => step.revision)).toEqual(['000001', '000002', '000003']);
    expect(result.sql.trimEnd()).toBe(quiet.stdout.trimEnd());

    const nothing = await ok(['upgrade', 'head:head', '--sql', '--url', url('unused')], EXAMPLE);
    expect(nothing.stderr).toContain('Nothing to migrate in this range');
    expect(nothing.stdout).not.toContain('alembic_version');
  });
});

// ── errors ────────────────────────────────────────────────────────────────────

describe('--sql refuses what it cannot render', () => {
  let project: { dir: string; cleanup: () => void };
  beforeAll(() => {
    project = tempProject();
  });
  afterAll(() => project.cleanup());

  it('a migration that reads the database fails with OFFLINE_READ_NOT_SUPPORTED, naming it and its file', async () => {
    for (const [id, up, operation] of [
      ['rd01', "await op.query('SELECT 1 AS one');", 'op.query'],
      ['rd02', "await op.db.selectFrom('accounts').selectAll().execute();", 'a SELECT through op.db'],
      ['rd03', 'await op.connection.execute("SELECT 1");', 'op.connection.execute'],
    ] as const) {
      const dir = path.join(project.dir, id);
      writeProject(dir, [{ id, parents: [], up: `    ${up}`, down: '' }]);
      for (const mode of ['human', 'json'] as const) {
        const { message, hint, run } = await fails(mode, ['upgrade', 'head', '--sql', '--url', 'sqlite:///x.db'], dir, {
          code: 'OFFLINE_READ_NOT_SUPPORTED',
          exit: 1,
        });
        expect(message).toContain(`Revision ${id} (${path.join(dir, 'migrations', 'versions', `${id}_scratch.ts`)})`);
        expect(message).toContain(operation);
        expect(hint).toContain('op.offline');
        if (mode === 'human') expect(run.stdout).toBe('');
      }
    }
  });

  it('an adapter without renderOffline: OFFLINE_NOT_SUPPORTED naming it, and no connection attempted', async () => {
    const dir = path.join(project.dir, 'no-offline');
    writeProject(
      dir,
      [BRANCHED[0]!],
      `export default {
  scriptLocation: 'migrations',
  adapter: { apiVersion: 1, name: 'handmade', schemes: ['sqlite'], capabilities: { transactionalDdl: true },
    async connect() { throw new Error('connect must not be called'); } },
};
`,
    );
    const { message } = await fails('human', ['upgrade', 'head', '--sql'], dir, { code: 'OFFLINE_NOT_SUPPORTED', exit: 2 });
    expect(message).toContain('handmade');
  });

  it('ranges: downgrade needs one, online commands refuse one', async () => {
    const downgrade = await fails('human', ['downgrade', 'base', '--sql'], EXAMPLE, { code: 'INVALID_TARGET', exit: 2 });
    expect(downgrade.message).toContain('<from>:<to>');
    const online = await fails('json', ['upgrade', 'base:head', '--url', 'sqlite:///never.db'], EXAMPLE, { code: 'INVALID_TARGET', exit: 2 });
    expect(online.message).toContain('--sql');
    await fails('human', ['upgrade', 'base:', '--sql'], EXAMPLE, { code: 'INVALID_TARGET', exit: 2 });
    await fails('human', ['upgrade', 'nope:head', '--sql'], EXAMPLE, { code: 'REVISION_NOT_FOUND', exit: 2 });
  });
});

// ── PostgreSQL ────────────────────────────────────────────────────────────────

async function pgQuery(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = (await client.query(sql)) as { rows: Record<string, unknown>[] };
    return result.rows;
  } finally {
    await client.end();
  }
}

function applyPsql(url: string, sql: string, singleTransaction = true): void {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(singleTransaction ? ['-1'] : []), '-f', '-', url];
  const result = spawnSync('psql', args, { input: sql, encoding: 'utf8' });
  expect(result.status, `${result.stderr}\n${sql}`).toBe(0);
  expect(result.stderr).not.toMatch(/ERROR/);
}

/** Columns, indexes, constraints, version rows, audit rows without timings, and each user table's rows. */
async function pgState(url: string): Promise<Record<string, unknown>> {
  const columns = await pgQuery(
    url,
    "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
  );
  const userTables = [...new Set(columns.map((row) => String(row['table_name'])))].filter(
    (name) => name !== 'alembic_version' && name !== 'cgmigrate_audit',
  );
  const rows: Record<string, unknown> = {};
  for (const table of userTables) rows[table] = (await pgQuery(url, `SELECT * FROM "${table}" ORDER BY 1`)).map(withoutClockColumns);
  return {
    columns,
    indexes: await pgQuery(url, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"),
    constraints: await pgQuery(
      url,
      "SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY 1, 2",
    ),
    versions: await pgQuery(url, 'SELECT version_num FROM alembic_version ORDER BY 1'),
    audit: await pgQuery(url, 'SELECT revision, direction, checksum, applied_by, host, cgmigrate_version FROM cgmigrate_audit ORDER BY id'),
    rows,
  };
}

describe('--sql on PostgreSQL: the script gives what an online run gives', { tags: ['postgres'] }, () => {
  const databases: TestDatabase[] = [];
  let project: { dir: string; cleanup: () => void };
  const fresh = async () => {
    const db = await createTestDatabase('cgm_offline_e2e');
    databases.push(db);
    return db;
  };
  beforeAll(() => {
    project = tempProject();
  });
  afterAll(async () => {
    project.cleanup();
    for (const db of databases) await db.drop();
  });

  // The URL the scripts are rendered for: a password and a host that does not resolve, so any connection attempt would fail.
  const RENDER_URL = 'postgresql://admin:Sup3r-S3cret@db.invalid:5432/prod?lock_timeout=4s';

  it('examples/cloudguard-anomaly: upgrade, downgrade and stamp, without connecting and without the password', async () => {
    const [offline, online] = [await fresh(), await fresh()];
    const up = await ok(['upgrade', 'head', '--sql', '--url', RENDER_URL], EXAMPLE);
    expectPureSql(up.stdout);
    expect(up.stdout + up.stderr).not.toContain('Sup3r-S3cret');
    expect(up.stdout).toContain("BEGIN;\n\nSET LOCAL lock_timeout = '4s';");
    applyPsql(offline.url, up.stdout);
    await ok(['upgrade', 'head', '--url', online.url], EXAMPLE);
    expect(await pgState(offline.url)).toEqual(await pgState(online.url));
    const applied = await pgQuery(offline.url, 'SELECT applied_at, duration_ms FROM cgmigrate_audit ORDER BY id');
    expect(applied).toHaveLength(3);
    for (const row of applied) expect(Math.abs(Date.now() - (row['applied_at'] as Date).getTime())).toBeLessThan(120_000);
    const checked = await cgmigrate(['check', '--url', offline.url], { cwd: EXAMPLE });
    expect(checked.code, checked.stderr).toBe(0);

    const down = await ok(['downgrade', 'head:base', '--sql', '--url', RENDER_URL], EXAMPLE);
    applyPsql(offline.url, down.stdout);
    await ok(['downgrade', 'base', '--url', online.url], EXAMPLE);
    expect(await pgState(offline.url)).toEqual(await pgState(online.url));

    const [stampOffline, stampOnline] = [await fresh(), await fresh()];
    const stamped = await ok(['stamp', 'head', '--sql', '--url', RENDER_URL], EXAMPLE);
    applyPsql(stampOffline.url, stamped.stdout);
    await ok(['stamp', 'head', '--url', stampOnline.url], EXAMPLE);
    expect(await pgState(stampOffline.url)).toEqual(await pgState(stampOnline.url));
  });

  it('a branched and merged history, and a range from a revision', async () => {
    const dir = path.join(project.dir, 'branched');
    writeProject(dir, BRANCHED);
    const [offline, online] = [await fresh(), await fresh()];
    const up = await ok(['upgrade', 'heads', '--sql', '--url', RENDER_URL], dir);
    expect(up.stdout).toContain(`'O''Brien; -- not a comment ?', TRUE`);
    applyPsql(offline.url, up.stdout);
    await ok(['upgrade', 'heads', '--url', online.url], dir);
    expect(await pgState(offline.url)).toEqual(await pgState(online.url));

    const down = await ok(['downgrade', 'ee05:dd04', '--sql', '--url', RENDER_URL], dir);
    applyPsql(offline.url, down.stdout);
    await ok(['downgrade', 'dd04', '--url', online.url], dir);
    expect(await pgState(offline.url)).toEqual(await pgState(online.url));

    const again = await ok(['upgrade', 'dd04:heads', '--sql', '--url', RENDER_URL], dir);
    expect(again.stdout).not.toContain('CREATE TABLE accounts');
    expect(again.stdout).toContain("UPDATE \"alembic_version\" SET version_num = 'ee05' WHERE version_num = 'dd04';");
    applyPsql(offline.url, again.stdout);
    await ok(['upgrade', 'heads', '--url', online.url], dir);
    expect(await pgState(offline.url)).toEqual(await pgState(online.url));
  });

  it('a transactional: false migration runs outside BEGIN/COMMIT, its version change in a transaction of its own', async () => {
    const dir = path.join(project.dir, 'concurrently');
    writeProject(dir, [
      { id: 'tt01', parents: [], up: "    await op.execute('CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT)');", down: "    await op.execute('DROP TABLE events');" },
      {
        id: 'tt02',
        parents: ['tt01'],
        transactional: false,
        up: "    await op.execute('CREATE INDEX CONCURRENTLY ix_events_kind ON events (kind)');",
        down: "    await op.execute('DROP INDEX CONCURRENTLY ix_events_kind');",
      },
    ]);
    const { stdout } = await ok(['upgrade', 'head', '--sql', '--url', RENDER_URL], dir);
    const concurrently = stdout.indexOf('CREATE INDEX CONCURRENTLY');
    const before = stdout.slice(0, concurrently);
    const after = stdout.slice(concurrently);
    expect(before.trimEnd().endsWith("-- Running upgrade tt01 -> tt02")).toBe(true);
    expect(before.lastIndexOf('COMMIT;')).toBeGreaterThan(before.lastIndexOf('BEGIN;'));
    expect(after).toMatch(/^CREATE INDEX CONCURRENTLY ix_events_kind ON events \(kind\);\n\nBEGIN;\n\nSET LOCAL lock_timeout = '4s';\n\nUPDATE "alembic_version" SET version_num = 'tt02' WHERE version_num = 'tt01';/);
    const [offline, online] = [await fresh(), await fresh()];
    applyPsql(offline.url, stdout, false);
    await ok(['upgrade', 'head', '--url', online.url], dir);
    expect(await pgState(offline.url)).toEqual(await pgState(online.url));
  });
});
