import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createTestMariaDbDatabase, type TestMariaDbDatabase } from '../../../../tools/test-db/mariadb.js';
import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, tempProject } from './cli.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/cloudguard-anomaly', import.meta.url));
const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

type Dialect = 'sqlite' | 'postgres' | 'mariadb';

/** The example's own config (its entities included), with the MariaDB example adapter for mysql:// URLs (the CLI has none of its own). */
const MARIADB_CONFIG = "import config from './cgmigrate.config.ts';\n\nexport default { ...config, adapter: '@cloudguard-examples/migrate-adapter-mariadb' };\n";

/** The example's entities and config, with an empty versions folder: where its initial migration is regenerated. */
function freshCopy(): { dir: string; cleanup: () => void; versions: () => string[] } {
  const scratch = tempProject();
  cpSync(EXAMPLE, scratch.dir, { recursive: true, filter: (source) => !/\.db(-journal|-wal|-shm)?$|\.cgmigrate-lock/.test(source) });
  symlinkSync(REPO_NODE_MODULES, path.join(scratch.dir, 'node_modules'), 'dir');
  const versionsDir = path.join(scratch.dir, 'migrations', 'versions');
  for (const file of readdirSync(versionsDir)) if (file.endsWith('.ts')) rmSync(path.join(versionsDir, file));
  return { ...scratch, versions: () => readdirSync(versionsDir).filter((file) => file.endsWith('.ts')) };
}

/** What defines an SQLite schema, per table: columns, indexes with their columns, and foreign keys. */
function sqliteSchema(file: string): unknown {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
    const names = all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((row) => String(row['name']));
    return Object.fromEntries(
      names.map((table) => [
        table,
        {
          columns: all(`SELECT name, lower(type) AS type, "notnull", lower(dflt_value) AS dflt, pk FROM pragma_table_info('${table}') ORDER BY name`),
          indexes: all(`SELECT name, "unique" FROM pragma_index_list('${table}') WHERE origin = 'c' ORDER BY name`).map((index) => ({
            ...index,
            columns: all(`SELECT name FROM pragma_index_info('${String(index['name'])}') ORDER BY seqno`).map((column) => column['name']),
          })),
          foreignKeys: all(`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list('${table}') ORDER BY "from"`),
        },
      ]),
    );
  } finally {
    db.close();
  }
}

/** What defines a PostgreSQL schema: columns, indexes and constraints of the service's tables (not ours). */
async function postgresSchema(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const own = "('alembic_version', 'cgmigrate_audit')";
  try {
    const query = async (sql: string) => ((await client.query(sql)) as { rows: unknown[] }).rows;
    return {
      columns: await query(
        'SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default FROM information_schema.columns ' +
          `WHERE table_schema = 'public' AND table_name NOT IN ${own} ORDER BY 1, 2`,
      ),
      indexes: await query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT IN ${own} ORDER BY 1, 2`),
      constraints: await query(
        'SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c ' +
          `JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.conrelid::regclass::text NOT IN ${own} ORDER BY 1, 2`,
      ),
    };
  } finally {
    await client.end();
  }
}

describe('examples/cloudguard-anomaly: the entities reproduce the committed migrations', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('on SQLite: autogenerate against an empty database builds the schema of 000001…head, and an added column is the next migration', async () => {
    const committed = tempProject();
    cleanups.push(committed.cleanup);
    const committedDb = path.join(committed.dir, 'committed.db');
    const up = await cgmigrate(['upgrade', 'head', '--url', `sqlite:///${committedDb}`], { cwd: EXAMPLE });
    expect(up.code, up.stderr).toBe(0);
    // At head, the committed migrations and the entities agree.
    const atHead = await cgmigrate(['check', '--url', `sqlite:///${committedDb}`], { cwd: EXAMPLE });
    expect(atHead.code, atHead.stdout).toBe(0);

    // The README's command, in a copy with no migrations, against an empty database.
    const copy = freshCopy();
    cleanups.push(copy.cleanup);
    const url = `sqlite:///${path.join(copy.dir, 'cloudguard.db')}`;
    const run = (...args: string[]) => cgmigrate([...args, '--url', url], { cwd: copy.dir });
    const initial = await run('revision', '--autogenerate', '-m', 'Initial schema');
    expect(initial.code, initial.stderr).toBe(0);
    expect(initial.stderr).toContain("Detected added table 'alerts'");
    expect((await run('upgrade', 'head')).code).toBe(0);
    expect((await run('check')).code).toBe(0);
    expect(sqliteSchema(path.join(copy.dir, 'cloudguard.db'))).toEqual(sqliteSchema(committedDb));

    // The add-column flow of the README: a new property, check names it, autogenerate writes it.
    const entities = path.join(copy.dir, 'entities.ts');
    writeFileSync(
      entities,
      readFileSync(entities, 'utf8').replace(
        "    acknowledgedAt: p.datetime().columnType('timestamp').nullable(),\n",
        "    acknowledgedAt: p.datetime().columnType('timestamp').nullable(),\n    snoozedUntil: p.datetime().columnType('timestamp').nullable(),\n",
      ),
    );
    const drift = await run('check');
    expect(drift.code).toBe(1);
    expect(drift.stdout).toBe("Detected added column 'alerts.snoozed_until': timestamp null\n");
    const next = await run('revision', '--autogenerate', '-m', 'Snooze alerts');
    expect(next.code, next.stderr).toBe(0);
    const source = readFileSync(next.stdout.trim(), 'utf8');
    // A portable operation; SQLite keeps the entity's own `timestamp` (its `datetime` elsewhere is the portable type's).
    expect(source).toContain("await op.addColumn('alerts', 'snoozed_until', { type: 'datetime', nativeType: { sqlite: 'timestamp' } });");
    expect(source).toContain("await op.dropColumn('alerts', 'snoozed_until');");
    expect((await run('upgrade', 'head')).code).toBe(0);
    expect((await run('check')).code).toBe(0);
    expect(copy.versions()).toHaveLength(2);
  });

  describe('on PostgreSQL', { tags: ['postgres'] }, () => {
    let committedDb: TestDatabase;
    let generatedDb: TestDatabase;
    beforeAll(async () => {
      committedDb = await createTestDatabase('cgmigrate_example_committed');
      generatedDb = await createTestDatabase('cgmigrate_example_generated');
    });
    afterAll(async () => {
      await committedDb?.drop();
      await generatedDb?.drop();
    });

    it('the committed migrations match the entities at head, and autogenerate against an empty database reproduces them', async () => {
      const committed = (...args: string[]) => cgmigrate(args, { cwd: EXAMPLE, env: { DATABASE_URL: committedDb.url } });
      expect((await committed('upgrade', 'head')).code).toBe(0);
      const atHead = await committed('check');
      expect(atHead.code, atHead.stdout).toBe(0);

      const copy = freshCopy();
      cleanups.push(copy.cleanup);
      const generated = (...args: string[]) => cgmigrate(args, { cwd: copy.dir, env: { DATABASE_URL: generatedDb.url } });
      const initial = await generated('revision', '--autogenerate', '-m', 'Initial schema');
      expect(initial.code, initial.stderr).toBe(0);
      expect((await generated('upgrade', 'head')).code).toBe(0);
      expect((await generated('check')).code).toBe(0);
      expect(await postgresSchema(generatedDb.url)).toEqual(await postgresSchema(committedDb.url));
    });
  });

  describe('across dialects: one generated file migrates every database, and check finds no drift', { tags: ['postgres'] }, () => {
    let postgres: TestDatabase;
    beforeEach(async () => {
      postgres = await createTestDatabase('cgmigrate_example_portable');
    });
    afterEach(async () => {
      await postgres?.drop();
    });

    /**
     * Generates the initial migration against `from`, then upgrades, checks and
     * downgrades each of `targets` with it (`mariadb` with the example's config and the
     * MariaDB example adapter, as `mariadb.config.ts`).
     */
    async function portable(from: Dialect, targets: readonly Dialect[], mariadb?: TestMariaDbDatabase): Promise<void> {
      const copy = freshCopy();
      cleanups.push(copy.cleanup);
      writeFileSync(path.join(copy.dir, 'mariadb.config.ts'), MARIADB_CONFIG);
      const urls = { sqlite: `sqlite:///${path.join(copy.dir, 'cloudguard.db')}`, postgres: postgres.url, mariadb: mariadb?.url ?? '' };
      const on = (database: Dialect, ...args: string[]) =>
        cgmigrate([...args, '--url', urls[database], ...(database === 'mariadb' ? ['-c', 'mariadb.config.ts'] : [])], { cwd: copy.dir });
      const initial = await on(from, 'revision', '--autogenerate', '-m', 'Initial schema');
      expect(initial.code, initial.stderr).toBe(0);
      const source = readFileSync(initial.stdout.trim(), 'utf8');
      expect(source).toContain("await op.createTable('cloud_accounts', {");
      expect(source).not.toContain('op.execute');
      for (const database of targets) {
        const up = await on(database, 'upgrade', 'head');
        expect(up.code, `${database}: ${up.stderr}`).toBe(0);
        const check = await on(database, 'check');
        expect(check.code, `${database}: ${check.stdout}${check.stderr}`).toBe(0);
      }
      for (const database of targets) {
        const down = await on(database, 'downgrade', 'base');
        expect(down.code, `${database}: ${down.stderr}`).toBe(0);
      }
      const tables = {
        sqlite: async () => sqliteTables(path.join(copy.dir, 'cloudguard.db')),
        postgres: () => postgresTables(postgres.url),
        mariadb: async () =>
          (await mariadb!.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1')).map(
            (row) => row.name,
          ),
      };
      for (const database of targets) expect(await tables[database](), database).toEqual(['alembic_version', 'cgmigrate_audit']);
    }

    it('generated against SQLite, applied to SQLite and PostgreSQL', async () => {
      await portable('sqlite', ['sqlite', 'postgres']);
    });

    it('generated against PostgreSQL, applied to PostgreSQL and SQLite', async () => {
      await portable('postgres', ['postgres', 'sqlite']);
    });

    describe('and MariaDB', { tags: ['mariadb'] }, () => {
      let mariadb: TestMariaDbDatabase;
      beforeEach(async () => {
        mariadb = await createTestMariaDbDatabase('cgm_example_portable');
      });
      afterEach(async () => {
        await mariadb?.drop();
      });

      it('generated against SQLite, applied to SQLite, PostgreSQL and MariaDB', async () => {
        await portable('sqlite', ['sqlite', 'postgres', 'mariadb'], mariadb);
      });

      it('generated against MariaDB, applied to MariaDB, PostgreSQL and SQLite', async () => {
        await portable('mariadb', ['mariadb', 'postgres', 'sqlite'], mariadb);
      });
    });
  });
});

function sqliteTables(file: string): string[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
  } finally {
    db.close();
  }
}

async function postgresTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = (await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) as { rows: { tablename: string }[] };
    return rows.map((row) => row.tablename);
  } finally {
    await client.end();
  }
}
