// @module-tag postgres
/**
 * What the PostgreSQL lint claims, checked against PostgreSQL 15: which statements the
 * server refuses in a transaction, which take ACCESS EXCLUSIVE, which type changes (raw, and
 * portable ones with the table before them known) and added columns rewrite the table, when SET NOT NULL skips its scan; and the server
 * version the connections report.
 */
import type { EventEmitter } from 'node:events';

import type {
  AlterColumnChanges,
  ColumnType,
  CreateTableOperation,
  SchemaOperation,
  StatementLinter,
  StatementLintHit,
} from '@cloudguard/migrate-core/adapter';
import type pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { postgresAdapter } from '../../src/index.js';
import { connect, connectOptions, openClient, rejection, useTestDatabase, withClient } from '../support/fixtures.js';

const url = useTestDatabase('cgm_pg_lint');

const SCHEMA = `
  CREATE TYPE scan_status AS ENUM ('queued', 'done');
  CREATE TABLE hosts (id integer PRIMARY KEY);
  CREATE TABLE scans (id integer PRIMARY KEY, host_id integer, note varchar(40), token uuid, status scan_status);
  ALTER TABLE scans ADD CONSTRAINT ck_scans_note CHECK (note <> '') NOT VALID;
  CREATE INDEX ix_scans_host ON scans (host_id);
  CREATE MATERIALIZED VIEW scan_totals AS SELECT host_id, count(*) AS n FROM scans GROUP BY host_id;
  CREATE UNIQUE INDEX ux_scan_totals ON scan_totals (host_id);
  CREATE TABLE measurements (at integer) PARTITION BY RANGE (at);
  CREATE TABLE measurements_2020 PARTITION OF measurements FOR VALUES FROM (2020) TO (2021);
  CREATE TABLE measurements_2019 (at integer);
  INSERT INTO hosts VALUES (1);
  INSERT INTO scans VALUES (1, 1, 'first', gen_random_uuid(), 'queued');
`;

let linter: StatementLinter;
beforeAll(async () => {
  linter = await postgresAdapter().statementLinter!({ url: url(), cwd: process.cwd() });
});
beforeEach(async () => {
  await withClient(url(), (client) => client.query(SCHEMA));
});

function lint(statements: readonly string[], inTransaction = true): StatementLintHit[] {
  return [...linter.lint(statements.map((sql) => ({ sql, inTransaction })), { serverVersion: '15' }).hits];
}

/** The error code PostgreSQL fails `sql` with, or undefined when it runs. */
async function failureCode(client: pg.Client, sql: string): Promise<string | undefined> {
  try {
    await client.query(sql);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

const IN_TRANSACTION_RULES = new Set(['CONCURRENTLY_IN_TRANSACTION', 'NON_TRANSACTIONAL_IN_TRANSACTION', 'ENUM_ADD_VALUE_IN_TRANSACTION']);
/** PostgreSQL's `active_sql_transaction`: "… cannot run inside a transaction block". */
const ACTIVE_SQL_TRANSACTION = '25001';

describe('statements in a transaction', () => {
  const refused = [
    'CREATE INDEX CONCURRENTLY ix_scans_note ON scans (note)',
    'DROP INDEX CONCURRENTLY ix_scans_host',
    'REINDEX INDEX CONCURRENTLY ix_scans_host',
    'ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY',
    'VACUUM scans',
    'VACUUM FULL scans',
    'REINDEX SCHEMA public',
    'CLUSTER',
    'CREATE DATABASE cgm_never_created',
    "ALTER SYSTEM SET work_mem = '64MB'",
  ];
  const accepted = [
    'REFRESH MATERIALIZED VIEW CONCURRENTLY scan_totals',
    "ALTER TYPE scan_status ADD VALUE 'paused'",
    'ANALYZE scans',
    'CLUSTER scans USING ix_scans_host',
    'REINDEX INDEX ix_scans_host',
    'CREATE INDEX ix_scans_note ON scans (note)',
    'ALTER TABLE measurements DETACH PARTITION measurements_2020',
  ];

  it.each(refused.map((sql) => [sql]))('flags %s, which PostgreSQL 15 refuses inside BEGIN', async (sql) => {
    expect(lint([sql]).filter((hit) => IN_TRANSACTION_RULES.has(hit.ruleId))).toHaveLength(1);
    const client = await openClient(url());
    await client.query('BEGIN');
    expect(await failureCode(client, sql)).toBe(ACTIVE_SQL_TRANSACTION);
    await client.query('ROLLBACK');
  });

  it.each(accepted.map((sql) => [sql]))('does not flag %s, which PostgreSQL 15 runs inside BEGIN', async (sql) => {
    expect(lint([sql]).filter((hit) => IN_TRANSACTION_RULES.has(hit.ruleId))).toEqual([]);
    const client = await openClient(url());
    await client.query('BEGIN');
    expect(await failureCode(client, sql)).toBeUndefined();
    await client.query('ROLLBACK');
  });

  it('the CONCURRENTLY forms run in a transactional: false migration, and fail in a transactional one', async () => {
    const connection = await connect(connectOptions(url()));
    const concurrent = ['CREATE INDEX CONCURRENTLY ix_scans_note ON scans (note)', 'REINDEX INDEX CONCURRENTLY ix_scans_note', 'DROP INDEX CONCURRENTLY ix_scans_note'];
    expect(lint(concurrent, false).filter((hit) => IN_TRANSACTION_RULES.has(hit.ruleId))).toEqual([]);
    await connection.autocommit(async (session) => {
      for (const sql of concurrent) await session.execute(sql);
    });
    const error = await rejection(connection.transaction((session) => session.execute(concurrent[0]!)));
    expect(error).toMatchObject({ code: ACTIVE_SQL_TRANSACTION });
  });
});

describe('ACCESS EXCLUSIVE', () => {
  /** Each statement, the table to look at, and whether it takes ACCESS EXCLUSIVE on it. */
  const statements: readonly (readonly [string, string, boolean])[] = [
    ['ALTER TABLE scans ADD COLUMN extra text', 'scans', true],
    ["ALTER TABLE scans ALTER COLUMN note SET DEFAULT 'none'", 'scans', true],
    ['ALTER TABLE scans RENAME COLUMN note TO notes', 'scans', true],
    ['ALTER TABLE scans ADD CONSTRAINT fk_scans_host FOREIGN KEY (host_id) REFERENCES hosts (id) NOT VALID', 'scans', false],
    ['ALTER TABLE scans ADD CONSTRAINT fk_scans_host FOREIGN KEY (host_id) REFERENCES hosts (id) NOT VALID', 'hosts', false],
    ['ALTER TABLE scans VALIDATE CONSTRAINT ck_scans_note', 'scans', false],
    ['ALTER TABLE scans SET (fillfactor = 70)', 'scans', false],
    ['ALTER TABLE scans DISABLE TRIGGER ALL', 'scans', false],
    ['CREATE INDEX ix_scans_token ON scans (token)', 'scans', false],
    ['DROP INDEX ix_scans_host', 'scans', true],
    ['TRUNCATE scans', 'scans', true],
    ['DROP TABLE hosts', 'hosts', true],
    ['LOCK TABLE scans', 'scans', true],
    ['LOCK TABLE scans IN SHARE MODE', 'scans', false],
    ['REFRESH MATERIALIZED VIEW scan_totals', 'scan_totals', true],
    ['REFRESH MATERIALIZED VIEW CONCURRENTLY scan_totals', 'scan_totals', false],
    ['CLUSTER scans USING ix_scans_host', 'scans', true],
    ['CREATE TABLE measurements_2021 PARTITION OF measurements FOR VALUES FROM (2021) TO (2022)', 'measurements', true],
    ['ALTER TABLE measurements ATTACH PARTITION measurements_2019 FOR VALUES FROM (2019) TO (2020)', 'measurements', false],
    ['ALTER TABLE measurements ATTACH PARTITION measurements_2019 FOR VALUES FROM (2019) TO (2020)', 'measurements_2019', true],
    ["UPDATE scans SET note = 'x'", 'scans', false],
  ];

  it.each(statements.map(([sql, table, exclusive]) => [sql, table, exclusive]))('%s on %s: %s', async (sql, table, exclusive) => {
    const client = await openClient(url());
    // By oid: a table the statement drops has no name any more inside the transaction.
    const { rows: oids } = await client.query<{ oid: number }>('SELECT $1::regclass::oid AS oid', [table]);
    await client.query('BEGIN');
    await client.query(sql);
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'relation' AND mode = 'AccessExclusiveLock' AND pid = pg_backend_pid() AND relation = $1) AS locked`,
      [oids[0]!.oid],
    );
    await client.query('ROLLBACK');
    expect(rows[0]!.locked).toBe(exclusive);
    const hits = lint([sql]).filter((hit) => hit.ruleId === 'MISSING_LOCK_TIMEOUT');
    if (!exclusive) {
      // Another table of the statement may still be locked (and named).
      expect(hits.every((hit) => hit.table?.name !== table)).toBe(true);
      return;
    }
    expect(hits).toHaveLength(1);
    // The table is named unless the statement does not say it (DROP INDEX names the index only).
    if (hits[0]!.table !== undefined) expect(hits[0]!.table.name).toBe(table);
  });
});

/** The file a table's rows are in: a new one after a rewrite. */
async function fileOf(client: pg.Client, table: string): Promise<string> {
  const { rows } = await client.query<{ file: string }>('SELECT pg_relation_filenode($1::regclass)::text AS file', [table]);
  return rows[0]!.file;
}

describe('table rewrites', () => {
  const typeChanges: readonly (readonly [string, string])[] = [
    ['varchar(20)', 'varchar(40)'],
    ['varchar(40)', 'varchar(20)'],
    ['varchar(20)', 'text'],
    ['varchar', 'text'],
    ['text', 'varchar'],
    ['text', 'varchar(10)'],
    ['char(5)', 'char(10)'],
    ['char(5)', 'varchar(10)'],
    ['numeric(10,2)', 'numeric(12,2)'],
    ['numeric(10,2)', 'numeric(12,3)'],
    ['numeric(10,2)', 'numeric'],
    ['numeric', 'numeric(10,2)'],
    ['integer', 'bigint'],
    ['bigint', 'integer'],
    ['double precision', 'real'],
    ['cidr', 'inet'],
    ['inet', 'cidr'],
    ['timestamp', 'timestamptz'],
    ['timestamp(3)', 'timestamp(6)'],
    ['timestamp(6)', 'timestamp(3)'],
    ['interval(3)', 'interval'],
    ['varbit(5)', 'varbit(10)'],
    ['integer[]', 'bigint[]'],
    ['xml', 'text'],
  ];

  it.each(typeChanges.map(([from, to]) => [from, to]))('ALTER COLUMN TYPE %s to %s rewrites the table exactly when the lint says', async (from, to) => {
    const client = await openClient(url());
    // Away from UTC, where timestamp to timestamptz does rewrite (the lint says it does unless the zone is UTC).
    await client.query("SET TimeZone = 'America/New_York'");
    await client.query(`CREATE TABLE changing (c ${from})`);
    const before = await fileOf(client, 'changing');
    await client.query(`ALTER TABLE changing ALTER COLUMN c TYPE ${to}`);
    const rewritten = (await fileOf(client, 'changing')) !== before;
    const hits = lint([`CREATE TABLE changing (c ${from})`, `ALTER TABLE changing ALTER COLUMN c TYPE ${to}`]);
    expect(hits.some((hit) => hit.ruleId === 'TYPE_CHANGE_REWRITES_TABLE')).toBe(rewritten);
  });

  /** Portable type changes, made as the adapter compiles `op.createTable` and `op.alterColumn`. */
  const portableChanges: readonly (readonly [ColumnType, AlterColumnChanges])[] = [
    [{ type: 'string', length: 100 }, { type: 'string', length: 50 }],
    [{ type: 'string', length: 50 }, { type: 'string', length: 100 }],
    [{ type: 'string', length: 50 }, { type: 'text' }],
    [{ type: 'text' }, { type: 'string', length: 50 }],
    [{ type: 'integer' }, { type: 'bigint' }],
    [{ type: 'bigint' }, { type: 'integer' }],
    [{ type: 'integer' }, { type: 'decimal', precision: 12, scale: 0 }],
    [{ type: 'decimal', precision: 10, scale: 2 }, { type: 'decimal', precision: 12, scale: 2 }],
    [{ type: 'decimal', precision: 10, scale: 2 }, { type: 'decimal', precision: 10, scale: 1 }],
    [{ type: 'float' }, { type: 'double' }],
    [{ type: 'datetime', precision: 3 }, { type: 'datetime', precision: 6 }],
    [{ type: 'datetime' }, { type: 'datetime', timezone: true }],
  ];

  it.each(portableChanges.map(([from, to]) => [JSON.stringify(from), JSON.stringify(to), from, to] as const))(
    'op.alterColumn from %s to %s rewrites the table exactly when the lint, knowing the table before, says',
    async (_from, _to, from, to) => {
      const renderer = await postgresAdapter().renderOffline!({ url: url(), cwd: process.cwd(), versionTable: { name: 'alembic_version' } });
      const context = { dialect: 'postgresql', offline: true, inTransaction: true, describeTable: async () => undefined };
      const create: CreateTableOperation = { kind: 'createTable', table: { name: 'changing' }, columns: [{ name: 'c', ...from }], indexes: [], uniques: [], foreignKeys: [], checks: [] };
      const alter: SchemaOperation = { kind: 'alterTable', table: { name: 'changing' }, changes: [{ kind: 'alterColumn', column: 'c', changes: to }], batch: false };
      const created = (await renderer.operationCompiler!.compile(create, context)).statements;
      const altered = (await renderer.operationCompiler!.compile(alter, context)).statements;
      const client = await openClient(url());
      await client.query("SET TimeZone = 'America/New_York'");
      for (const sql of created) await client.query(sql);
      const before = await fileOf(client, 'changing');
      for (const sql of altered) await client.query(sql);
      const rewritten = (await fileOf(client, 'changing')) !== before;
      const { kind: _kind, ...tableBefore } = create;
      const operation = { index: 0, kind: 'alterTable', table: { name: 'changing' }, tableBefore } as const;
      const hits = linter.lint(altered.map((sql) => ({ sql, inTransaction: true, operation })), { serverVersion: '15' }).hits;
      expect(hits.some((hit) => hit.ruleId === 'TYPE_CHANGE_REWRITES_TABLE')).toBe(rewritten);
    },
  );

  const addedColumns: readonly string[] = [
    'created_at timestamptz NOT NULL DEFAULT now()',
    "state text NOT NULL DEFAULT 'queued'",
    'checked boolean DEFAULT CURRENT_DATE > DATE \'2020-01-01\'',
    'host integer REFERENCES hosts (id)',
    'secret uuid DEFAULT gen_random_uuid()',
    'seen_at timestamptz DEFAULT clock_timestamp()',
    'seq bigserial',
    'seq bigint GENERATED ALWAYS AS IDENTITY',
    'doubled integer GENERATED ALWAYS AS (id * 2) STORED',
  ];

  it.each(addedColumns.map((column) => [column]))('ADD COLUMN %s rewrites the table exactly when the lint says', async (column) => {
    const client = await openClient(url());
    const before = await fileOf(client, 'scans');
    await client.query(`ALTER TABLE scans ADD COLUMN ${column}`);
    const rewritten = (await fileOf(client, 'scans')) !== before;
    const hits = lint([`ALTER TABLE scans ADD COLUMN ${column}`]);
    expect(hits.some((hit) => hit.ruleId === 'ADD_COLUMN_REWRITES_TABLE')).toBe(rewritten);
  });
});

describe('SET NOT NULL', () => {
  /** Whether PostgreSQL says a CHECK proved the column not null, so that it skipped the scan (a DEBUG1 message). */
  async function skipsScan(statements: readonly string[]): Promise<boolean> {
    const client = await openClient(url());
    const notices: string[] = [];
    // pg emits the server's notices; the package's pg typings leave the event out.
    (client as unknown as EventEmitter).on('notice', (notice: { message?: string }) => notices.push(notice.message ?? ''));
    await client.query('SET client_min_messages = debug1');
    for (const sql of statements) await client.query(sql);
    return notices.some((message) => message.includes('are sufficient to prove that it does not contain nulls'));
  }

  it('is not flagged after a validated CHECK (col IS NOT NULL), which PostgreSQL 15 uses to skip the scan', async () => {
    const statements = [
      'ALTER TABLE scans ADD CONSTRAINT ck_scans_note_present CHECK (note IS NOT NULL) NOT VALID',
      'ALTER TABLE scans VALIDATE CONSTRAINT ck_scans_note_present',
      'ALTER TABLE scans ALTER COLUMN note SET NOT NULL',
    ];
    expect(await skipsScan(statements)).toBe(true);
    expect(lint(statements).filter((hit) => hit.ruleId === 'SET_NOT_NULL_SCANS')).toEqual([]);
  });

  it('is flagged when the check was never validated, and PostgreSQL 15 scans', async () => {
    const statements = ['ALTER TABLE scans ADD CONSTRAINT ck_scans_note_present CHECK (note IS NOT NULL) NOT VALID', 'ALTER TABLE scans ALTER COLUMN note SET NOT NULL'];
    expect(await skipsScan(statements)).toBe(false);
    expect(lint(statements).filter((hit) => hit.ruleId === 'SET_NOT_NULL_SCANS')).toHaveLength(1);
  });
});

describe('serverVersion', () => {
  it('reports major.minor on migrate and inspect connections', async () => {
    const shown = await withClient(url(), async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version);
    const expected = shown.split(' ')[0];
    for (const purpose of ['migrate', 'inspect'] as const) {
      const connection = await connect(connectOptions(url(), { purpose }));
      const version = await connection.serverVersion!();
      expect(version).toMatch(/^\d+\.\d+$/);
      expect(version).toBe(expected);
    }
  });
});
