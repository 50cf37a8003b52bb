/**
 * The SQLite statement linter: for each rule a statement that triggers it and a near
 * miss that does not, the table rebuilds the adapter's own compiler writes, and raw SQL
 * the grammars cannot read.
 */
import { LINT_RULES, type SchemaOperation, type StatementLinter, type StatementLintHit, type StatementsLint, type TableDescription } from '@cloudguard/migrate-core/adapter';
import { beforeAll, describe, expect, it } from 'vitest';

import { sqliteAdapter } from '../../src/index.js';
import { DEPENDENTS_QUERY } from '../../src/sqlite-rebuild.js';
import { renderSqliteOffline } from '../../src/sqlite-offline.js';

const scans = { name: 'scans' };
const SCANS: TableDescription = {
  table: scans,
  columns: [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'host', type: 'string' },
    { name: 'note', type: 'text' },
  ],
  indexes: [{ name: 'ix_scans_host', columns: ['host'] }],
  uniques: [],
  foreignKeys: [],
  checks: [],
};

let linter: StatementLinter;
let compile: (operations: readonly SchemaOperation[], table?: TableDescription) => Promise<string[]>;

beforeAll(async () => {
  linter = await sqliteAdapter().statementLinter!({ url: 'sqlite:///app.db', cwd: '/' });
  const renderer = await renderSqliteOffline({ url: 'sqlite:///app.db', cwd: '/', versionTable: { name: 'alembic_version' } });
  // As `lint` renders a migration: offline, each table described (here by the test), a view naming scans in the database.
  compile = async (operations, table = SCANS) => {
    const statements: string[] = [];
    for (const operation of operations) {
      const compiled = await renderer.operationCompiler!.compile(operation, {
        dialect: 'sqlite',
        offline: true,
        inTransaction: true,
        describeTable: async () => table,
        query: async <T>(sql: string) =>
          (sql === DEPENDENTS_QUERY ? [{ type: 'view', name: 'recent_scans', tableName: 'recent_scans', sql: 'CREATE VIEW recent_scans AS SELECT id, host FROM scans' }] : []) as T[],
      });
      statements.push(...compiled.statements);
    }
    return statements;
  };
});

function lint(sql: string | readonly string[], inTransaction = true): StatementsLint {
  return linter.lint((typeof sql === 'string' ? [sql] : sql).map((statement) => ({ sql: statement, inTransaction })), {});
}

function rules(result: StatementsLint): string[] {
  return result.hits.map((hit) => hit.ruleId);
}

function only(result: StatementsLint, ruleId: string): StatementLintHit {
  const hits = result.hits.filter((hit) => hit.ruleId === ruleId);
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

describe('SQLite statement linter', () => {
  it('checks every SQLite rule of the catalogue, and says when it cannot read a statement', () => {
    const catalogue = LINT_RULES.filter((rule) => rule.dialects.includes('sqlite')).map((rule) => rule.id);
    expect([...linter.rules].sort()).toEqual([...catalogue, 'UNPARSEABLE'].sort());
    expect(linter.identifiers).toEqual({ caseInsensitive: true, defaultSchema: 'main' });
  });

  describe('DROP_TABLE', () => {
    it('flags dropping a table, naming it', () => {
      const hit = only(lint('DROP TABLE IF EXISTS main.scans'), 'DROP_TABLE');
      expect(hit).toMatchObject({ statement: 0, table: { name: 'scans', schema: 'main' } });
      expect(hit.message).toMatch(/^DROP TABLE main\.scans deletes the table and every row in it, .*; stop using main\.scans in a release deployed first/);
    });

    it('leaves dropping a view alone', () => {
      expect(rules(lint('DROP VIEW recent_scans'))).toEqual([]);
    });
  });

  describe('DROP_COLUMN', () => {
    it('flags dropping a column', () => {
      const hit = only(lint('ALTER TABLE scans DROP COLUMN note'), 'DROP_COLUMN');
      expect(hit).toMatchObject({ statement: 0, table: scans });
      expect(hit.message).toContain('deletes the column and its values');
    });

    it('leaves alone a column the migration itself added', () => {
      expect(rules(lint(['ALTER TABLE scans ADD COLUMN scratch text', 'ALTER TABLE scans DROP COLUMN scratch']))).toEqual([]);
    });
  });

  describe('DROP_INDEX', () => {
    it('flags dropping an index (SQLite does not name its table)', () => {
      const hit = only(lint('DROP INDEX IF EXISTS ix_scans_host'), 'DROP_INDEX');
      expect(hit).toEqual({ ruleId: 'DROP_INDEX', statement: 0, message: expect.stringMatching(/^DROP INDEX ix_scans_host removes an index that queries of the running service may rely on/) });
    });

    it('leaves alone an index the migration itself created', () => {
      expect(rules(lint(['CREATE INDEX ix_scratch ON scans (note)', 'DROP INDEX ix_scratch']))).toEqual([]);
    });
  });

  describe('DELETE_ALL_ROWS', () => {
    it('flags a DELETE without WHERE, or with one that is always true', () => {
      expect(only(lint('DELETE FROM scans'), 'DELETE_ALL_ROWS')).toMatchObject({ table: scans, message: expect.stringContaining('deletes every row of scans') });
      expect(rules(lint('DELETE FROM scans WHERE 1'))).toEqual(['DELETE_ALL_ROWS']);
    });

    it('leaves a DELETE of some rows alone', () => {
      expect(rules(lint('DELETE FROM scans WHERE finished_at < 1700000000'))).toEqual([]);
      expect(rules(lint('DELETE FROM scans LIMIT 1000'))).toEqual([]);
    });
  });

  describe('UPDATE_ALL_ROWS', () => {
    it('flags an UPDATE without WHERE', () => {
      const hit = only(lint('UPDATE scans SET note = NULL'), 'UPDATE_ALL_ROWS');
      expect(hit).toMatchObject({ table: scans });
      expect(hit.message).toMatch(/^UPDATE scans rewrites every row of scans .*; update in batches/);
      // WITH … UPDATE is read by the PostgreSQL grammar, as the statement reader reads it.
      expect(rules(lint('WITH stale AS (SELECT 1) UPDATE scans SET note = NULL'))).toEqual(['UPDATE_ALL_ROWS']);
    });

    it('leaves an UPDATE of some rows alone', () => {
      expect(rules(lint('UPDATE scans SET note = NULL WHERE note = \'\''))).toEqual([]);
    });
  });

  describe('RENAME_TABLE', () => {
    it('flags renaming a table', () => {
      const hit = only(lint('ALTER TABLE scans RENAME TO scan_runs'), 'RENAME_TABLE');
      expect(hit).toMatchObject({ table: scans, message: expect.stringContaining('every query of the running service that names scans fails') });
    });

    it('leaves renaming a column to RENAME_COLUMN', () => {
      expect(rules(lint('ALTER TABLE scans RENAME COLUMN host TO hostname'))).not.toContain('RENAME_TABLE');
    });

    it('keeps a table the migration created new under its new name', () => {
      const result = lint(['CREATE TABLE staging (id integer)', 'ALTER TABLE staging RENAME TO imports']);
      expect(result.creates).toEqual([
        { statement: 0, table: { name: 'staging' } },
        { statement: 1, table: { name: 'imports' } },
      ]);
    });
  });

  describe('RENAME_COLUMN', () => {
    it('flags renaming a column', () => {
      const hit = only(lint('ALTER TABLE scans RENAME COLUMN host TO hostname'), 'RENAME_COLUMN');
      expect(hit).toMatchObject({ table: scans, message: expect.stringContaining('names scans.host fails') });
    });

    it('leaves renaming the table to RENAME_TABLE', () => {
      expect(rules(lint('ALTER TABLE scans RENAME TO scan_runs'))).not.toContain('RENAME_COLUMN');
    });
  });

  describe('ADD_REQUIRED_COLUMN', () => {
    it('flags a NOT NULL column without a default (or with DEFAULT NULL), saying SQLite refuses it on a table with rows', () => {
      const hit = only(lint('ALTER TABLE scans ADD COLUMN owner text NOT NULL'), 'ADD_REQUIRED_COLUMN');
      expect(hit).toMatchObject({ table: scans });
      expect(hit.message).toContain('SQLite refuses it on a table that has rows ("Cannot add a NOT NULL column with default value NULL")');
      expect(rules(lint('ALTER TABLE scans ADD owner text NOT NULL DEFAULT NULL'))).toEqual(['ADD_REQUIRED_COLUMN']);
    });

    it('leaves a NOT NULL column with a default, or a nullable one, alone', () => {
      expect(rules(lint("ALTER TABLE scans ADD COLUMN owner text NOT NULL DEFAULT 'nobody'"))).toEqual([]);
      expect(rules(lint('ALTER TABLE scans ADD COLUMN owner text'))).toEqual([]);
    });
  });

  describe('TRANSACTION_CONTROL', () => {
    it('flags each transaction-control statement, saying what it does where it runs', () => {
      const result = lint(['COMMIT', 'BEGIN IMMEDIATE TRANSACTION', 'SAVEPOINT before_backfill', 'ROLLBACK TO SAVEPOINT before_backfill', 'RELEASE before_backfill', 'END']);
      expect(rules(result)).toEqual(Array(6).fill('TRANSACTION_CONTROL'));
      expect(result.hits[0]!.message).toMatch(/^COMMIT commits the statements before it, even if a later one fails, and ends the transaction cgmigrate runs the migration in/);
      // After that COMMIT the BEGIN opens a transaction of the migration's own.
      expect(result.hits[1]!.message).toMatch(/^BEGIN IMMEDIATE TRANSACTION opens a transaction cgmigrate does not know of/);
      expect(result.hits[5]!.message).toMatch(/^END ends a transaction the migration opened by hand/);
      expect(only(lint('BEGIN'), 'TRANSACTION_CONTROL').message).toContain('SQLite refuses it (cannot start a transaction within a transaction)');
    });

    it('leaves a trigger, whose body is a BEGIN … END, alone', () => {
      const trigger = 'CREATE TRIGGER scans_touch AFTER UPDATE ON scans BEGIN UPDATE scans SET note = CASE WHEN new.note IS NULL THEN \'\' END WHERE id = new.id; END';
      expect(rules(lint(trigger))).toEqual([]);
    });
  });

  describe('DDL_WITH_DATA_CHANGE', () => {
    it('flags a table-wide data change in the transaction of a schema change', () => {
      const result = lint(['ALTER TABLE scans ADD COLUMN reviewed integer', 'UPDATE scans SET reviewed = 0', 'INSERT INTO scan_archive SELECT * FROM scans']);
      const hits = result.hits.filter((hit) => hit.ruleId === 'DDL_WITH_DATA_CHANGE');
      expect(hits.map((hit) => [hit.statement, hit.table])).toEqual([
        [1, scans],
        [2, { name: 'scan_archive' }],
      ]);
      expect(hits[0]!.message).toBe(
        'UPDATE scans (every row) runs in the same transaction as a schema change (ALTER TABLE scans): SQLite keeps the whole database ' +
          'locked against other writers until both are done and the migration commits; move the data change to a migration of its own',
      );
    });

    it('leaves them alone when each statement commits on its own, or the schema change is to a table the migration creates', () => {
      expect(rules(lint(['ALTER TABLE scans ADD COLUMN reviewed integer', 'UPDATE scans SET reviewed = 0'], false))).toEqual(['UPDATE_ALL_ROWS']);
      expect(rules(lint(['CREATE TABLE reviews (id integer)', 'CREATE INDEX ix_reviews ON reviews (id)', 'UPDATE scans SET reviewed = 0']))).toEqual(['UPDATE_ALL_ROWS']);
    });
  });

  describe('SQLITE_FOREIGN_KEYS_PRAGMA', () => {
    it('flags setting foreign_keys: ignored inside a transaction, for the rest of the run outside one', () => {
      const inside = only(lint('PRAGMA foreign_keys = OFF'), 'SQLITE_FOREIGN_KEYS_PRAGMA');
      expect(inside.message).toMatch(/^PRAGMA foreign_keys = OFF inside a transaction: SQLite ignores it there/);
      const outside = only(lint('pragma main.foreign_keys=1', false), 'SQLITE_FOREIGN_KEYS_PRAGMA');
      expect(outside.message).toMatch(/^PRAGMA foreign_keys = 1 outside a transaction changes the connection for the rest of the run: every later migration runs with foreign keys on/);
    });

    it('leaves reading it, and other pragmas, alone', () => {
      expect(rules(lint(['PRAGMA foreign_keys', 'PRAGMA foreign_key_check', 'PRAGMA legacy_alter_table = ON', 'PRAGMA table_info(scans)']))).toEqual([]);
    });
  });

  describe('UNPARSEABLE', () => {
    it("reports a statement the grammar cannot read with the parser's message and position, and lints the others", () => {
      const result = lint(['DROP TABLE imports', 'UPDATE scans\n  SET = 1', 'DELETE FROM scans'], false);
      expect(rules(result)).toEqual(['DROP_TABLE', 'UNPARSEABLE', 'DELETE_ALL_ROWS']);
      expect(result.hits[1]).toEqual({
        ruleId: 'UNPARSEABLE',
        statement: 1,
        // The grammar's own message, its list of what it expected cut short.
        message: 'SQLite\'s grammar cannot read this statement: Expected "#", "\'", "--", "/*", "\\"", … (8 in all) but "=" found (line 2, column 7); no rule could check it, so review it by hand',
      });
    });

    it('reads SQLite syntax the grammars lack: bracket quotes, ON CONFLICT, virtual tables, PRAGMA, VACUUM', () => {
      const result = lint([
        'CREATE TABLE [scan results] (id INTEGER PRIMARY KEY ON CONFLICT ROLLBACK, host TEXT UNIQUE ON CONFLICT IGNORE)',
        'CREATE VIRTUAL TABLE scan_search USING fts5(host)',
        'PRAGMA journal_mode = WAL',
        "VACUUM INTO 'backup.db'",
        'DROP TRIGGER IF EXISTS scans_touch',
        "INSERT INTO settings (key, value) VALUES ('retention', 30) ON CONFLICT (key) DO NOTHING",
      ]);
      expect(result).toEqual({
        hits: [],
        creates: [
          { statement: 0, table: { name: 'scan results' } },
          { statement: 1, table: { name: 'scan_search' } },
        ],
      });
    });
  });

  describe('SQLITE_TABLE_REBUILD', () => {
    it('reports the rebuild the compiler writes for alterColumn once, and nothing for its drop, rename and copy', async () => {
      const statements = await compile([{ kind: 'alterTable', table: scans, batch: false, changes: [{ kind: 'alterColumn', column: 'note', changes: { nullable: false } }] }]);
      // The statements as lint sees them: the view naming scans dropped and recreated around the rebuild.
      expect(statements).toEqual([
        'drop view if exists `recent_scans`',
        'create table `scans__temp_alter` (`id` integer not null primary key, `host` text null, `note` text not null)',
        'insert into `scans__temp_alter` (`id`, `host`, `note`) select `id`, `host`, `note` from `scans`',
        'drop table `scans`',
        'alter table `scans__temp_alter` rename to `scans`',
        'create index `ix_scans_host` on `scans` (`host`)',
        'CREATE VIEW recent_scans AS SELECT id, host FROM scans',
      ]);
      const result = lint(statements);
      expect(result.hits).toEqual([{ ruleId: 'SQLITE_TABLE_REBUILD', statement: 1, table: scans, message: expect.stringContaining('scans is rebuilt') }]);
      expect(result.hits[0]!.message).toBe(
        'scans is rebuilt (scans__temp_alter created, the rows copied into it, scans dropped, scans__temp_alter renamed to scans): the copy ' +
          "takes time and disk space in proportion to the table, and every other writer waits for SQLite's database lock until the migration " +
          'commits; for a large table, run it in a migration of its own when writes can wait',
      );
      // Neither the copy nor the rebuilt table is new: a later change to scans is still checked.
      expect(result.creates).toEqual([]);
    });

    it('reports what a batch rebuild does to columns: a required new one, a renamed one', async () => {
      const statements = await compile([
        {
          kind: 'alterTable',
          table: scans,
          batch: true,
          changes: [
            { kind: 'addColumn', column: { name: 'owner', type: 'text', nullable: false } },
            { kind: 'alterColumn', column: 'host', changes: { name: 'hostname' } },
          ],
        },
      ]);
      const result = lint(statements);
      expect(result.hits.map((hit) => [hit.ruleId, hit.statement, hit.table])).toEqual([
        ['SQLITE_TABLE_REBUILD', 1, scans],
        ['ADD_REQUIRED_COLUMN', 1, scans],
        ['RENAME_COLUMN', 2, scans],
      ]);
      expect(result.hits[1]!.message).toContain('The rebuild of scans adds owner NOT NULL without a default: copying the rows fails on a table that has rows');
      expect(result.hits[2]!.message).toContain('The rebuild of scans copies host into hostname, renaming the column');
    });

    it('reports a hand-written rebuild in SQLite order, on its first statement; a table the migration creates is new, the rebuilt one is not', () => {
      const result = lint([
        'CREATE TABLE owners (id INTEGER PRIMARY KEY)',
        'CREATE TABLE new_scans (id INTEGER PRIMARY KEY, host TEXT NOT NULL)',
        'INSERT INTO new_scans (id, host) SELECT id, coalesce(host, \'\') FROM scans',
        'DROP TABLE scans',
        'ALTER TABLE new_scans RENAME TO scans',
        'ALTER TABLE scans ADD COLUMN owner_id integer',
        'UPDATE scans SET owner_id = 1',
      ]);
      expect(result.hits.map((hit) => [hit.ruleId, hit.statement, hit.table])).toEqual([
        ['SQLITE_TABLE_REBUILD', 1, scans],
        ['UPDATE_ALL_ROWS', 6, scans],
        ['DDL_WITH_DATA_CHANGE', 6, scans],
      ]);
      expect(result.creates).toEqual([{ statement: 0, table: { name: 'owners' } }]);
    });

    it('reports a rebuild that renames the table first, saying why that order breaks references', () => {
      const result = lint(['ALTER TABLE scans RENAME TO scans_old', 'CREATE TABLE scans (id INTEGER PRIMARY KEY, host TEXT)', 'INSERT INTO scans SELECT id, host FROM scans_old', 'DROP TABLE scans_old']);
      expect(result.hits).toEqual([{ ruleId: 'SQLITE_TABLE_REBUILD', statement: 0, table: scans, message: expect.stringContaining('rewrites the foreign keys, views and triggers that name scans to name scans_old') }]);
      expect(result.creates).toEqual([]);
    });

    it('leaves a drop and a create of the same name (no rename) to DROP_TABLE', () => {
      const result = lint(['DROP TABLE scans', 'CREATE TABLE scans (id INTEGER PRIMARY KEY)']);
      expect(rules(result)).toEqual(['DROP_TABLE']);
    });

    it('takes a new table renamed in place of a dropped one, without a copy of the rows, for what it is: the rows are gone', () => {
      const result = lint(['CREATE TABLE new_scans (id INTEGER PRIMARY KEY)', 'DROP TABLE scans', 'ALTER TABLE new_scans RENAME TO scans']);
      expect(result.hits.map((hit) => [hit.ruleId, hit.table])).toEqual([
        ['DROP_TABLE', scans],
        // Core drops this one: new_scans is created by the migration.
        ['RENAME_TABLE', { name: 'new_scans' }],
      ]);
      expect(result.creates).toEqual([
        { statement: 0, table: { name: 'new_scans' } },
        { statement: 2, table: scans },
      ]);
    });
  });

  describe('the adapter compiler', () => {
    it('drops an unindexed column in place offline: DROP_COLUMN', async () => {
      const result = lint(await compile([{ kind: 'alterTable', table: scans, batch: false, changes: [{ kind: 'dropColumn', column: 'note' }] }]));
      expect(rules(result)).toEqual(['DROP_COLUMN']);
    });

    it('rebuilds a table the same migration created: the rebuild names it, and it is listed as created before', async () => {
      const statements = await compile([
        { kind: 'createTable', table: scans, columns: SCANS.columns, indexes: [], uniques: [], foreignKeys: [], checks: [] },
        { kind: 'alterTable', table: scans, batch: false, changes: [{ kind: 'alterColumn', column: 'note', changes: { nullable: false } }] },
      ]);
      const result = lint(statements);
      expect(result.creates).toEqual([{ statement: 0, table: scans }]);
      expect(result.hits.map((hit) => [hit.ruleId, hit.table])).toEqual([['SQLITE_TABLE_REBUILD', scans]]);
    });
  });

  it('splits a statement holding several, keeping each hit on the statement given', () => {
    const result = lint(['SELECT 1', "PRAGMA foreign_keys=OFF;\nDROP TABLE imports; -- done\n"]);
    expect(result.hits.map((hit) => [hit.ruleId, hit.statement])).toEqual([
      ['SQLITE_FOREIGN_KEYS_PRAGMA', 1],
      ['DROP_TABLE', 1],
    ]);
  });
});
