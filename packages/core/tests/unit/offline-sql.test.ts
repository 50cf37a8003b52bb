import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DialectAdapter, OfflineRenderer, Session } from '../../src/adapter/dialect-adapter.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { downgradeSql, stampSql, upgradeSql } from '../../src/commands/offline-sql.js';
import { loadConfig } from '../../src/config/load-config.js';
import { isMigrateError } from '../../src/errors.js';
import { renderOfflineScript } from '../../src/offline/offline-script.js';
import { inlineParameters, quoteSqlString } from '../../src/offline/sql-literal.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';

const literal = (value: unknown): string =>
  value === null ? 'NULL' : typeof value === 'string' ? quoteSqlString(value) : String(value);

describe('inlineParameters', () => {
  it('replaces ? placeholders with literals, and leaves strings, identifiers and comments alone', () => {
    expect(
      inlineParameters(`INSERT INTO "a?" (x, y) VALUES (?, '?') -- ?\n/* ? */ RETURNING ?`, ["it's", null], literal, { placeholders: 'question' }),
    ).toBe(`INSERT INTO "a?" (x, y) VALUES ('it''s', '?') -- ?\n/* ? */ RETURNING NULL`);
  });

  it('replaces $n placeholders in any order, and skips dollar-quoted bodies and E strings', () => {
    const syntax = { placeholders: 'numbered', dollarQuotes: true, escapeStrings: true } as const;
    expect(inlineParameters('SELECT $2, $1, $$ $1 $$, E\'\\\' $1\'', [1, 'b'], literal, syntax)).toBe("SELECT 'b', 1, $$ $1 $$, E'\\' $1'");
    expect(() => inlineParameters('SELECT $3', [1], literal, syntax)).toThrow(RangeError);
  });

  it('refuses a statement whose placeholders and parameters differ in number', () => {
    expect(() => inlineParameters('SELECT ?, ?', [1], literal, { placeholders: 'question' })).toThrow(/more \? placeholders/);
    expect(() => inlineParameters('SELECT ?', [1, 2], literal, { placeholders: 'question' })).toThrow(/1 \? placeholder/);
  });

  it('keeps backquoted and bracketed identifiers when asked to', () => {
    expect(inlineParameters('UPDATE `a?` SET [b?] = ?', [1], literal, { placeholders: 'question', backquotes: true })).toBe(
      'UPDATE `a?` SET [b?] = 1',
    );
  });

  it("reads MySQL's backslash escapes in '…' and \"…\" strings when asked to, and only then", () => {
    const sql = `INSERT INTO t VALUES ('it\\'s ?', "say \\"?\\"", ?)`;
    expect(inlineParameters(sql, [1], literal, { placeholders: 'question', backslashEscapes: true })).toBe(
      `INSERT INTO t VALUES ('it\\'s ?', "say \\"?\\"", 1)`,
    );
    // Without the option (SQL-92, SQLite, PostgreSQL) the backslash is an ordinary character: 'it\' is the whole string.
    expect(inlineParameters(sql, [1], literal, { placeholders: 'question' })).toBe(`INSERT INTO t VALUES ('it\\'s 1', "say \\"?\\"", ?)`);
  });

  it('quotes strings by doubling quotes, and refuses NUL', () => {
    expect(quoteSqlString("a'b\\c")).toBe("'a''b\\c'");
    expect(() => quoteSqlString('a\0b')).toThrow(RangeError);
  });
});

/** A renderer that spells everything in plain SQL-92, for checking what core decides. */
function fakeRenderer(): OfflineRenderer {
  const inline = (sql: string, params: readonly unknown[]) => inlineParameters(sql, params, literal, { placeholders: 'question' });
  return {
    inline,
    beginTransaction: ['BEGIN'],
    commitTransaction: 'COMMIT',
    versionStore: {
      table: { name: 'alembic_version' },
      ensure: (s: Session) => s.execute('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)'),
      insert: (s: Session, v: string) => s.execute('INSERT INTO alembic_version (version_num) VALUES (?)', [v]),
      delete: (s: Session, v: string) => s.execute('DELETE FROM alembic_version WHERE version_num = ?', [v]),
      update: (s: Session, from: string, to: string) =>
        s.execute('UPDATE alembic_version SET version_num = ? WHERE version_num = ?', [to, from]),
    },
    auditStore: {
      table: { name: 'cgmigrate_audit' },
      ensure: (s: Session) => s.execute('CREATE TABLE IF NOT EXISTS cgmigrate_audit (revision VARCHAR(32))'),
      record: (s: Session, entry) => s.execute('INSERT INTO cgmigrate_audit (revision) VALUES (?)', [entry.revision]),
    },
    bulkInsert: (table, rows) => rows.map((row) => inline(`INSERT INTO ${table} (v) VALUES (?)`, [row['v']])),
  };
}

const fakeAdapter: DialectAdapter = {
  apiVersion: 1,
  name: 'fake',
  schemes: ['fake'],
  capabilities: { transactionalDdl: true },
  connect: () => Promise.reject(new Error('offline mode must not connect')),
  renderOffline: async () => fakeRenderer(),
};

interface Script {
  id: string;
  parent: string | null;
  up: string;
  transactional?: boolean;
}

async function project(scripts: Script[], options: { adapter?: DialectAdapter; perMigration?: boolean } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-offline-'));
  mkdirSync(path.join(dir, 'versions'));
  for (const s of scripts) {
    writeFileSync(
      path.join(dir, 'versions', `${s.id}.mjs`),
      `export default { revision: '${s.id}', downRevision: ${s.parent ? `'${s.parent}'` : 'null'}, message: 'm ${s.id}',` +
        `${s.transactional === false ? ' transactional: false,' : ''}\n  async up(op) { ${s.up} },\n  async down(op) { await op.execute('UNDO ${s.id}'); } };\n`,
    );
  }
  const config = await loadConfig({
    cwd: dir,
    url: 'fake://nowhere',
    env: {},
    overrides: { scriptLocation: dir, adapter: options.adapter ?? fakeAdapter, transactionPerMigration: options.perMigration ?? false },
  });
  return { dir, env: createEnvironment(config) };
}

const LINEAR: Script[] = [
  { id: 'a1', parent: null, up: "await op.execute('CREATE TABLE t (v TEXT)');" },
  { id: 'b2', parent: 'a1', up: "await op.bulkInsert('t', [{ v: op.offline ? 'offline' : 'online' }]);" },
  { id: 'c3', parent: 'b2', up: "await op.execute('INSERT INTO t (v) VALUES (?)', [\"it's\"]);" },
];

describe('upgradeSql, downgradeSql, stampSql', () => {
  it('renders an upgrade from base in Alembic\'s layout: table creation, steps, version rows, one transaction for the run', async () => {
    const { env } = await project(LINEAR);
    const result = await upgradeSql(env);
    expect(result.from).toEqual([]);
    expect(result.to).toEqual(['c3']);
    expect(result.sql).toBe(
      [
        'BEGIN;',
        'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);',
        'CREATE TABLE IF NOT EXISTS cgmigrate_audit (revision VARCHAR(32));',
        'COMMIT;',
        'BEGIN;',
        '-- Running upgrade  -> a1',
        'CREATE TABLE t (v TEXT);',
        "INSERT INTO alembic_version (version_num) VALUES ('a1');",
        "INSERT INTO cgmigrate_audit (revision) VALUES ('a1');",
        '-- Running upgrade a1 -> b2',
        "INSERT INTO t (v) VALUES ('offline');",
        "UPDATE alembic_version SET version_num = 'b2' WHERE version_num = 'a1';",
        "INSERT INTO cgmigrate_audit (revision) VALUES ('b2');",
        '-- Running upgrade b2 -> c3',
        "INSERT INTO t (v) VALUES ('it''s');",
        "UPDATE alembic_version SET version_num = 'c3' WHERE version_num = 'b2';",
        "INSERT INTO cgmigrate_audit (revision) VALUES ('c3');",
        'COMMIT;',
        '',
      ].join('\n\n').replace(/\n\n$/, '\n'),
    );
  });

  it('a range starts from its first revision: no version table creation, no earlier migration', async () => {
    const { env } = await project(LINEAR);
    const result = await upgradeSql(env, { range: 'a1:head' });
    expect(result.from).toEqual(['a1']);
    expect(result.sql).not.toContain('CREATE TABLE alembic_version');
    expect(result.sql).not.toContain('CREATE TABLE t');
    expect(result.steps.map((step) => step.revision)).toEqual(['b2', 'c3']);
  });

  it('transactionPerMigration: one BEGIN/COMMIT per migration', async () => {
    const { env } = await project(LINEAR, { perMigration: true });
    const { blocks } = await upgradeSql(env);
    expect(blocks.map((block) => block.transactional)).toEqual([true, true, true, true]);
    expect(blocks[2]!.entries[0]).toEqual({ kind: 'comment', text: 'Running upgrade a1 -> b2' });
  });

  it('transactional: false: the migration outside any transaction, its version change in one of its own', async () => {
    const { env } = await project([
      LINEAR[0]!,
      { id: 'n2', parent: 'a1', transactional: false, up: "await op.execute('CREATE INDEX CONCURRENTLY ix ON t (v)');" },
      { id: 'z3', parent: 'n2', up: "await op.execute('SELECT 1 -- a write in disguise');" },
    ]);
    const { blocks, sql } = await upgradeSql(env);
    // A trailing -- comment must not swallow the statement's terminator.
    expect(sql).toContain('SELECT 1 -- a write in disguise\n;\n');
    const statements = blocks.map((block) => [block.transactional, block.entries.filter((e) => e.kind === 'statement').length]);
    expect(statements).toEqual([
      [true, 2], // version and audit tables
      [true, 3], // a1 and its rows
      [false, 1], // n2 itself
      [true, 2], // n2's rows
      [true, 3], // z3 and its rows
    ]);
  });

  it('downgradeSql needs a <from>:<to> range', async () => {
    const { env } = await project(LINEAR);
    const error = await downgradeSql(env, { range: 'base' }).catch((e: unknown) => e);
    expect(isMigrateError(error) && error.code).toBe('INVALID_TARGET');
    const result = await downgradeSql(env, { range: 'head:a1' });
    expect(result.sql).toContain("UPDATE alembic_version SET version_num = 'b2' WHERE version_num = 'c3';");
    expect(result.sql).toContain('UNDO c3;');
    expect(result.sql).not.toContain('UNDO a1');
    expect(result.to).toEqual(['a1']);
  });

  it('stampSql records the revision without running a migration; a range sets its start', async () => {
    const { env } = await project(LINEAR);
    const fromBase = await stampSql(env, { revisions: ['head'] });
    expect(fromBase.sql).toContain("INSERT INTO alembic_version (version_num) VALUES ('c3');");
    expect(fromBase.sql).not.toContain('CREATE TABLE t');
    const moved = await stampSql(env, { revisions: ['c3:a1'] });
    expect(moved.sql).toContain("UPDATE alembic_version SET version_num = 'a1' WHERE version_num = 'c3';");
    expect(moved.sql).not.toContain('CREATE TABLE alembic_version');
  });

  it('refuses reads with OFFLINE_READ_NOT_SUPPORTED naming the revision and its file', async () => {
    for (const [up, operation] of [
      ["await op.query('SELECT 1');", 'op.query'],
      ['op.connection.query;', 'op.connection.query'],
      ["op.db.selectFrom('t');", 'op.db.selectFrom'],
    ]) {
      const { dir, env } = await project([LINEAR[0]!, { id: 'r2', parent: 'a1', up: up! }]);
      const error = await upgradeSql(env).catch((e: unknown) => e);
      expect(isMigrateError(error) && error.code).toBe('OFFLINE_READ_NOT_SUPPORTED');
      expect(error).toMatchObject({ revision: 'r2', path: path.join(dir, 'versions', 'r2.mjs'), operation });
      expect((error as Error).message).toContain(`Revision r2 (${path.join(dir, 'versions', 'r2.mjs')}) reads the database (${operation})`);
    }
  });

  it('an adapter without renderOffline: OFFLINE_NOT_SUPPORTED naming it', async () => {
    const { env } = await project(LINEAR, { adapter: createMemoryAdapter() });
    const error = await upgradeSql(env).catch((e: unknown) => e);
    expect(isMigrateError(error) && error.code).toBe('OFFLINE_NOT_SUPPORTED');
    expect((error as Error).message).toContain(`The ${createMemoryAdapter().name} adapter cannot render SQL offline`);
  });
});

describe('renderOfflineScript', () => {
  it("prints the dialect's preamble once, before the first transaction", () => {
    const blocks = [
      { transactional: true, entries: [{ kind: 'statement' as const, sql: 'CREATE TABLE a (id int)' }] },
      { transactional: true, entries: [{ kind: 'statement' as const, sql: 'CREATE TABLE b (id int)' }] },
    ];
    const framing = { preamble: ['-- no transactional DDL here', 'SET NAMES utf8mb4;'], beginTransaction: ['BEGIN'], commitTransaction: 'COMMIT' };
    expect(renderOfflineScript(blocks, framing)).toBe(
      '-- no transactional DDL here\nSET NAMES utf8mb4;\n\nBEGIN;\n\nCREATE TABLE a (id int);\n\nCOMMIT;\n\nBEGIN;\n\nCREATE TABLE b (id int);\n\nCOMMIT;\n',
    );
    expect(renderOfflineScript(blocks, { ...framing, preamble: undefined })).not.toContain('utf8mb4');
  });
});
