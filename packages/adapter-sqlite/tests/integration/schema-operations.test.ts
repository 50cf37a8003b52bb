import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { createEnvironment, downgrade, loadConfig, upgrade, type MigrationEnvironment } from '@cloudguard/migrate-core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { sqliteAdapter } from '../../src/index.js';
import { tempDir } from '../support/fixtures.js';

/** A project with its migration files (each `[revision, body]`, chained in order) and its SQLite database. */
interface Project {
  env(): Promise<MigrationEnvironment>;
  sql(statement: string): void;
  rows(statement: string): unknown[];
  /** Every table, index, view and trigger, as `type name`. */
  objects(): string[];
  columns(table: string): { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
}

function project(migrations: readonly (readonly [string, string])[]): Project {
  const dir = tempDir();
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  migrations.forEach(([revision, body], position) => {
    const parent = position === 0 ? 'null' : `'${migrations[position - 1]![0]}'`;
    writeFileSync(path.join(versions, `${position}_${revision}.mjs`), `export default { revision: '${revision}', downRevision: ${parent}, ${body} };\n`);
  });
  const file = path.join(dir, 'app.db');
  const onDatabase = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(file);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    async env() {
      const config = await loadConfig({ cwd: dir, env: {}, url: 'sqlite:///app.db', overrides: { adapter: sqliteAdapter() } });
      return createEnvironment(config);
    },
    sql: (statement) => onDatabase((db) => void db.exec(statement)),
    rows: (statement) => onDatabase((db) => db.prepare(statement).all([])),
    objects: () =>
      onDatabase((db) =>
        (
          db
            .prepare("SELECT type || ' ' || name AS object FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'cgmigrate_%' AND name <> 'alembic_version' ORDER BY 1")
            .all([]) as { object: string }[]
        ).map((row) => row.object),
      ),
    columns: (table) => onDatabase((db) => db.prepare(`SELECT name, lower(type) AS type, "notnull", dflt_value, pk FROM pragma_table_info('${table}') ORDER BY cid`).all([]) as never),
  };
}

const CREATE_TABLES = [
  'a1',
  `async up(op) {
     await op.createTable('accounts', {
       id: { type: 'integer', primaryKey: true, autoincrement: true },
       email: { type: 'string', length: 320, nullable: false, unique: true },
       active: { type: 'boolean', nullable: false, default: true },
     });
     await op.createTable('scans', {
       id: { type: 'integer', primaryKey: true, autoincrement: true },
       account_id: { type: 'integer', nullable: false },
       status: { type: 'string', length: 20 },
       legacy_flag: { type: 'boolean' },
       started_at: { type: 'datetime', timezone: true, nullable: false, default: { sql: 'CURRENT_TIMESTAMP' } },
     });
     await op.createIndex('ix_scans_started', 'scans', ['started_at']);
     await op.createView('active_accounts', 'select id, email from accounts where active');
   },
   async down(op) {
     await op.dropView('active_accounts');
     await op.dropTable('scans');
     await op.dropTable('accounts');
   }`,
] as const;

const ADD_COLUMN = [
  'b2',
  `async up(op) {
     await op.addColumn('scans', 'note', { type: 'text', nullable: false, default: 'none' });
     await op.alterColumn('scans', 'note', { name: 'remark' });
   },
   async down(op) {
     await op.alterColumn('scans', 'remark', { name: 'note' });
     await op.dropColumn('scans', 'note');
   }`,
] as const;

/** One rebuild of scans: status NOT NULL with a default, legacy_flag dropped, a foreign key to accounts. */
const BATCH = [
  'c3',
  `async up(op) {
     await op.batchAlterTable('scans', (batch) => {
       batch.alterColumn('status', { nullable: false, default: 'queued' });
       batch.dropColumn('legacy_flag');
       batch.createForeignKey('fk_scans_account', ['account_id'], 'accounts', ['id'], { onDelete: 'cascade' });
     });
   },
   async down(op) {
     await op.batchAlterTable('scans', (batch) => {
       batch.dropConstraint('fk_scans_account', 'foreignKey');
       batch.addColumn('legacy_flag', { type: 'boolean' });
       batch.alterColumn('status', { nullable: true, default: null });
     });
   }`,
] as const;

describe('schema operations on SQLite', () => {
  it('creates tables, indexes and a view, adds and renames a column, and downgrades to nothing', async () => {
    const target = project([CREATE_TABLES, ADD_COLUMN]);
    const env = await target.env();
    await upgrade(env, { target: 'head' });

    expect(target.objects()).toEqual([
      'index accounts_email_unique',
      'index ix_scans_started',
      'table accounts',
      'table scans',
      'view active_accounts',
    ]);
    expect(target.columns('scans')).toEqual([
      { name: 'id', type: 'integer', notnull: 1, dflt_value: null, pk: 1 },
      { name: 'account_id', type: 'integer', notnull: 1, dflt_value: null, pk: 0 },
      { name: 'status', type: 'text', notnull: 0, dflt_value: null, pk: 0 },
      { name: 'legacy_flag', type: 'integer', notnull: 0, dflt_value: null, pk: 0 },
      { name: 'started_at', type: 'datetime', notnull: 1, dflt_value: 'CURRENT_TIMESTAMP', pk: 0 },
      { name: 'remark', type: 'text', notnull: 1, dflt_value: "'none'", pk: 0 },
    ]);
    target.sql("INSERT INTO accounts (email) VALUES ('ada@example.com'); INSERT INTO scans (account_id) VALUES (1)");
    expect(target.rows('SELECT id, email, active FROM accounts')).toEqual([{ id: 1, email: 'ada@example.com', active: 1 }]);
    expect(target.rows('SELECT remark FROM scans')).toEqual([{ remark: 'none' }]);
    expect(() => target.sql("INSERT INTO accounts (email) VALUES ('ada@example.com')")).toThrow(/UNIQUE constraint failed/);

    await downgrade(env, { target: 'a1' });
    expect(target.columns('scans').map((column) => column.name)).toEqual(['id', 'account_id', 'status', 'legacy_flag', 'started_at']);
    await downgrade(env, { target: 'base' });
    expect(target.objects()).toEqual([]);
  });

  it('rebuilds a table once for a batch, keeping its rows, indexes, the views and triggers naming it; and back', async () => {
    const target = project([CREATE_TABLES, BATCH]);
    const env = await target.env();
    await upgrade(env, { target: 'a1' });
    target.sql(`
      INSERT INTO accounts (id, email) VALUES (1, 'ada@example.com'), (2, 'alan@example.com');
      INSERT INTO scans (id, account_id, status, legacy_flag) VALUES (10, 1, 'done', 1), (11, 2, 'queued', 0), (12, 1, 'done', NULL);
      CREATE TABLE scan_log (scan_id INTEGER, at TEXT);
      CREATE TRIGGER scans_logged AFTER UPDATE ON scans BEGIN INSERT INTO scan_log VALUES (new.id, 'update'); END;
      CREATE VIEW done_scans AS SELECT id, account_id FROM scans WHERE status = 'done';
    `);
    const objectsBefore = target.objects();
    await upgrade(env, { target: 'head' });

    expect(target.objects()).toEqual(objectsBefore);
    expect(target.rows('SELECT id, account_id, status FROM scans ORDER BY id')).toEqual([
      { id: 10, account_id: 1, status: 'done' },
      { id: 11, account_id: 2, status: 'queued' },
      { id: 12, account_id: 1, status: 'done' },
    ]);
    expect(target.columns('scans').map(({ name, notnull, dflt_value }) => ({ name, notnull, dflt_value }))).toEqual([
      { name: 'id', notnull: 1, dflt_value: null },
      { name: 'account_id', notnull: 1, dflt_value: null },
      { name: 'status', notnull: 1, dflt_value: "'queued'" },
      { name: 'started_at', notnull: 1, dflt_value: 'CURRENT_TIMESTAMP' },
    ]);
    expect(target.rows("SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('scans')")).toEqual([
      { table: 'accounts', from: 'account_id', to: 'id', on_delete: 'CASCADE' },
    ]);
    expect(target.rows('SELECT id FROM done_scans ORDER BY id')).toEqual([{ id: 10 }, { id: 12 }]);
    target.sql("UPDATE scans SET status = 'done' WHERE id = 11");
    expect(target.rows('SELECT scan_id FROM scan_log')).toEqual([{ scan_id: 11 }]);

    await downgrade(env, { target: 'a1' });
    expect(target.objects()).toEqual(objectsBefore);
    expect(target.columns('scans').map(({ name, notnull }) => ({ name, notnull }))).toEqual([
      { name: 'id', notnull: 1 },
      { name: 'account_id', notnull: 1 },
      { name: 'status', notnull: 0 },
      { name: 'started_at', notnull: 1 },
      { name: 'legacy_flag', notnull: 0 },
    ]);
    expect(target.rows("SELECT count(*) AS n FROM pragma_foreign_key_list('scans')")).toEqual([{ n: 0 }]);
    expect(target.rows('SELECT id, status FROM scans ORDER BY id')).toEqual([
      { id: 10, status: 'done' },
      { id: 11, status: 'done' },
      { id: 12, status: 'done' },
    ]);
  });

  it('refuses a rebuild whose copy would put NULLs into a NOT NULL column, naming table, column and count, and changes nothing', async () => {
    const target = project([
      CREATE_TABLES,
      ['c3', `async up(op) { await op.alterColumn('scans', 'status', { nullable: false }); }`],
    ]);
    const env = await target.env();
    await upgrade(env, { target: 'a1' });
    target.sql(`
      INSERT INTO accounts (id, email) VALUES (1, 'ada@example.com');
      INSERT INTO scans (id, account_id, status) VALUES (10, 1, NULL), (11, 1, 'done'), (12, 1, NULL), (13, 1, NULL);
    `);
    const objectsBefore = target.objects();

    const error = await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', cause: { code: 'SCHEMA_CHECK_FAILED' } });
    expect((error as { cause: Error }).cause.message).toBe('scans.status holds NULL in 3 rows, and the rebuilt table makes it NOT NULL [{"rows":3}]');
    expect(target.objects()).toEqual(objectsBefore);
    expect(target.rows("SELECT \"notnull\" FROM pragma_table_info('scans') WHERE name = 'status'")).toEqual([{ notnull: 0 }]);
    expect(target.rows('SELECT count(*) AS n FROM scans')).toEqual([{ n: 4 }]);
  });

  it('refuses an option SQLite cannot honour before running anything', async () => {
    const target = project([
      CREATE_TABLES,
      ['c3', `transactional: false, async up(op) { await op.createIndex('ix_scans_status', 'scans', ['status'], { concurrently: true }); }`],
    ]);
    const env = await target.env();
    await upgrade(env, { target: 'a1' });
    const error = await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', cause: { code: 'OPERATION_NOT_SUPPORTED', dialect: 'sqlite', reason: 'SQLite has no concurrent index builds' } });
    expect(target.objects()).not.toContain('index ix_scans_status');
  });

  it('rebuilds a table made by raw SQL, keeping its inline unique key, checks, partial and expression indexes', async () => {
    const target = project([
      [
        'a1',
        `async up(op) {
           await op.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL, scope TEXT, weight NUMERIC(10,2) CHECK (weight >= 0), UNIQUE (name, scope))");
           await op.execute('CREATE INDEX ix_tags_lower ON tags (lower(name), scope)');
           await op.execute('CREATE INDEX ix_tags_heavy ON tags (weight) WHERE weight > 10');
         }`,
      ],
      ['b2', `async up(op) { await op.alterColumn('tags', 'scope', { nullable: false, default: 'global' }); }`],
    ]);
    const env = await target.env();
    await upgrade(env, { target: 'a1' });
    target.sql("INSERT INTO tags (id, name, scope, weight) VALUES (1, 'a', 'x', 1), (2, 'b', 'y', 20)");
    await upgrade(env, { target: 'head' });

    expect(target.rows("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tags' AND sql IS NOT NULL ORDER BY name")).toEqual([
      { name: 'ix_tags_heavy', sql: 'CREATE INDEX `ix_tags_heavy` on `tags` (`weight`) where weight > 10' },
      { name: 'ix_tags_lower', sql: 'CREATE INDEX `ix_tags_lower` on `tags` ((lower(name)), `scope`)' },
      { name: 'tags_name_scope_unique', sql: 'CREATE UNIQUE INDEX `tags_name_scope_unique` on `tags` (`name`, `scope`)' },
    ]);
    expect(target.rows('SELECT id, name, scope FROM tags ORDER BY id')).toEqual([
      { id: 1, name: 'a', scope: 'x' },
      { id: 2, name: 'b', scope: 'y' },
    ]);
    expect(() => target.sql("INSERT INTO tags (id, name, scope, weight) VALUES (3, 'a', 'x', 1)")).toThrow(/UNIQUE constraint failed/);
    expect(() => target.sql("INSERT INTO tags (id, name, weight) VALUES (4, 'c', -1)")).toThrow(/CHECK constraint failed/);
    target.sql("INSERT INTO tags (id, name, weight) VALUES (5, 'd', 1)");
    expect(target.rows('SELECT scope FROM tags WHERE id = 5')).toEqual([{ scope: 'global' }]);
  });

  it('drops an indexed column by a rebuild, its index with it', async () => {
    const target = project([CREATE_TABLES, ['b2', `async up(op) { await op.dropColumn('scans', 'started_at'); }`]]);
    const env = await target.env();
    await upgrade(env, { target: 'a1' });
    target.sql("INSERT INTO accounts (id, email) VALUES (1, 'ada@example.com'); INSERT INTO scans (id, account_id) VALUES (10, 1)");
    await upgrade(env, { target: 'head' });
    expect(target.columns('scans').map((column) => column.name)).toEqual(['id', 'account_id', 'status', 'legacy_flag']);
    expect(target.objects()).not.toContain('index ix_scans_started');
    expect(target.rows('SELECT id, account_id FROM scans')).toEqual([{ id: 10, account_id: 1 }]);
  });

  it('refuses a rebuild whose copy would put duplicates under a new unique key', async () => {
    const target = project([
      CREATE_TABLES,
      [
        'b2',
        `async up(op) {
           await op.batchAlterTable('scans', (batch) => {
             batch.createCheckConstraint('ck_scans_status', "status <> ''");
             batch.createUniqueConstraint('uq_scans_account', ['account_id']);
           });
         }`,
      ],
    ]);
    const env = await target.env();
    await upgrade(env, { target: 'a1' });
    target.sql("INSERT INTO accounts (id, email) VALUES (1, 'ada@example.com'); INSERT INTO scans (account_id) VALUES (1), (1), (1)");
    const error = await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught);
    expect((error as { cause: Error }).cause).toMatchObject({
      code: 'SCHEMA_CHECK_FAILED',
      message: 'scans(account_id) repeats 1 value, and the rebuilt table makes it unique [{"rows":1}]',
    });
  });

  it('leaves comments out, as SQLite keeps none: a comment on its own changes nothing, with no rebuild', async () => {
    const target = project([CREATE_TABLES, ['b2', `async up(op) { await op.alterColumn('scans', 'status', { comment: 'where the scan is' }); }`]]);
    const env = await target.env();
    await upgrade(env, { target: 'a1' });
    const before = target.rows("SELECT rowid, sql FROM sqlite_master WHERE name = 'scans'");
    await upgrade(env, { target: 'head' });
    expect(target.rows("SELECT rowid, sql FROM sqlite_master WHERE name = 'scans'")).toEqual(before);
  });

  it('creates a composite primary key, and rebuilds a table to add one', async () => {
    const target = project([
      [
        'a1',
        `async up(op) {
           await op.createTable('tags', { item_id: { type: 'integer' }, tag: { type: 'string', length: 20 } }, { primaryKey: { columns: ['item_id', 'tag'] } });
           await op.createTable('marks', { item_id: { type: 'integer', nullable: false }, mark: { type: 'text', nullable: false } });
         }`,
      ],
      ['b2', `async up(op) { await op.createPrimaryKey('pk_marks', 'marks', ['item_id', 'mark']); }`],
    ]);
    const env = await target.env();
    await upgrade(env, { target: 'head' });
    const keyOf = (table: string): unknown[] => target.columns(table).map((column) => [column.name, column.pk]);
    expect(keyOf('tags')).toEqual([['item_id', 1], ['tag', 2]]);
    expect(keyOf('marks')).toEqual([['item_id', 1], ['mark', 2]]);
  });
});
