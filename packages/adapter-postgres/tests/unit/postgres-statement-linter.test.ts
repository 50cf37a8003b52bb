/**
 * The PostgreSQL safety lint, through the adapter as core uses it: for each rule a
 * statement that triggers it and a near-miss that does not; the rules that depend on the
 * server's version on both sides of it; where lock_timeout comes from; statements the
 * parser cannot read; and what the statements create.
 */
import {
  LINT_RULES,
  type LintedOperation,
  type LintSettings,
  type StatementLinter,
  type StatementLintHit,
  type TableDescription,
} from '@cloudguard/migrate-core/adapter';
import { MemoryFactCache } from '@cloudguard/migrate-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { postgresAdapter, type PostgresAdapterOptions } from '../../src/index.js';
import { ASSUMED_POSTGRES_MAJOR } from '../../src/postgres-statement-linter.js';

const URL = 'postgresql://app@db.invalid/cloudguard';
const scans = { name: 'scans' };

async function makeLinter(options: PostgresAdapterOptions = {}, url = URL): Promise<StatementLinter> {
  return postgresAdapter(options).statementLinter!({ url, cwd: '/' });
}

interface Migration {
  /** Runs in the migration's transaction (default) or with `transactional: false`. */
  readonly inTransaction?: boolean;
  readonly serverVersion?: string;
}

let linter: StatementLinter;
beforeAll(async () => {
  linter = await makeLinter();
});

/** The hits of one migration's statements. */
function lint(sql: string | readonly string[], migration: Migration = {}, using: StatementLinter = linter): StatementLintHit[] {
  const statements = (typeof sql === 'string' ? [sql] : sql).map((text) => ({ sql: text, inTransaction: migration.inTransaction ?? true }));
  const settings: LintSettings = migration.serverVersion === undefined ? {} : { serverVersion: migration.serverVersion };
  return [...using.lint(statements, settings).hits];
}

/** The hits of one rule. */
function hitsOf(ruleId: string, sql: string | readonly string[], migration: Migration = {}, using: StatementLinter = linter): StatementLintHit[] {
  return lint(sql, migration, using).filter((hit) => hit.ruleId === ruleId);
}

interface RuleCase {
  readonly rule: string;
  readonly triggers: readonly (string | readonly string[])[];
  readonly nearMisses: readonly (string | readonly string[])[];
  readonly migration?: Migration;
  /** What the message of the first triggering statement's hit says. */
  readonly says: string;
}

/** One triggering statement and one near-miss (at least) per rule, in a migration that runs in a transaction unless said. */
const CASES: readonly RuleCase[] = [
  // Destructive.
  { rule: 'DROP_TABLE', triggers: ['DROP TABLE scans'], nearMisses: ['DROP VIEW scan_summary'], says: 'DROP TABLE scans deletes scans and all its rows' },
  {
    rule: 'DROP_COLUMN',
    triggers: ['ALTER TABLE scans DROP COLUMN note'],
    nearMisses: ['ALTER TABLE scans DROP CONSTRAINT ck_scans_note'],
    says: 'ALTER TABLE scans DROP COLUMN note deletes note and its values',
  },
  {
    rule: 'DROP_SCHEMA',
    triggers: ['DROP SCHEMA archive CASCADE', 'DROP SCHEMA archive'],
    nearMisses: ['DROP SEQUENCE archive.scan_ids'],
    says: 'DROP SCHEMA archive CASCADE deletes the schema and every table',
  },
  {
    rule: 'DROP_INDEX',
    triggers: ['DROP INDEX CONCURRENTLY ix_scans_host'],
    nearMisses: ['ALTER INDEX ix_scans_host RENAME TO ix_scans_hostname'],
    migration: { inTransaction: false },
    says: 'DROP INDEX CONCURRENTLY ix_scans_host drops an index that queries of the running service may rely on',
  },
  {
    rule: 'TRUNCATE_TABLE',
    triggers: ['TRUNCATE scans'],
    nearMisses: ["DELETE FROM scans WHERE finished_at < now() - interval '90 days'"],
    says: 'TRUNCATE scans deletes every row of scans, under ACCESS EXCLUSIVE',
  },
  { rule: 'DELETE_ALL_ROWS', triggers: ['DELETE FROM scans'], nearMisses: ['DELETE FROM scans WHERE id = 1'], says: 'DELETE FROM scans without WHERE deletes every row of scans' },
  {
    rule: 'NARROW_COLUMN_TYPE',
    triggers: [['ALTER TABLE scans ADD COLUMN note varchar(40)', 'ALTER TABLE scans ALTER COLUMN note TYPE varchar(20)']],
    nearMisses: [
      ['ALTER TABLE scans ADD COLUMN note varchar(40)', 'ALTER TABLE scans ALTER COLUMN note TYPE varchar(80)'],
      // The old type is not in the migration: nothing says the new one is narrower.
      'ALTER TABLE scans ALTER COLUMN note TYPE varchar(20)',
    ],
    says: 'ALTER TABLE scans ALTER COLUMN note TYPE varchar(20) narrows note of scans from varchar(40) to varchar(20), which is shorter',
  },
  {
    rule: 'DROP_COLUMN_DEFAULT',
    triggers: ['ALTER TABLE scans ALTER COLUMN status DROP DEFAULT'],
    nearMisses: ["ALTER TABLE scans ALTER COLUMN status SET DEFAULT 'queued'"],
    says: 'ALTER TABLE scans ALTER COLUMN status DROP DEFAULT: inserts of the running service that leave status out get NULL',
  },
  {
    rule: 'DROP_NOT_NULL',
    triggers: ['ALTER TABLE scans ALTER COLUMN note DROP NOT NULL'],
    nearMisses: ["ALTER TABLE scans ALTER COLUMN note SET DEFAULT ''"],
    says: 'ALTER TABLE scans ALTER COLUMN note DROP NOT NULL: readers of the running service',
  },
  // Compatibility.
  {
    rule: 'RENAME_TABLE',
    triggers: ['ALTER TABLE scans RENAME TO scan_runs', 'ALTER TABLE scans SET SCHEMA archive'],
    nearMisses: ['ALTER INDEX ix_scans_host RENAME TO ix_scan_runs_host'],
    says: 'ALTER TABLE scans RENAME TO scan_runs: every query of the running service that names scans fails',
  },
  {
    rule: 'RENAME_COLUMN',
    triggers: ['ALTER TABLE scans RENAME COLUMN note TO notes'],
    nearMisses: ['ALTER TABLE scans RENAME CONSTRAINT ck_scans_a TO ck_scans_b'],
    says: 'ALTER TABLE scans RENAME COLUMN note TO notes: every query of the running service that names note fails',
  },
  {
    rule: 'ADD_REQUIRED_COLUMN',
    triggers: ['ALTER TABLE scans ADD COLUMN owner integer NOT NULL', 'ALTER TABLE scans ADD COLUMN owner integer NOT NULL DEFAULT NULL'],
    nearMisses: [
      'ALTER TABLE scans ADD COLUMN owner integer NOT NULL DEFAULT 0',
      'ALTER TABLE scans ADD COLUMN total integer NOT NULL GENERATED ALWAYS AS (hosts + ports) STORED',
      'ALTER TABLE scans ADD COLUMN seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY',
      'ALTER TABLE scans ADD COLUMN seq bigserial NOT NULL',
    ],
    says: 'ALTER TABLE scans ADD COLUMN owner integer NOT NULL without a default: the statement fails if scans has rows',
  },
  {
    rule: 'CHANGE_COLUMN_TYPE',
    triggers: ['ALTER TABLE scans ALTER COLUMN note TYPE text'],
    nearMisses: ['ALTER TABLE scans ALTER COLUMN note SET STATISTICS 500', ['ALTER TABLE scans ADD COLUMN note text', 'ALTER TABLE scans ALTER COLUMN note TYPE text']],
    says: 'ALTER TABLE scans ALTER COLUMN note TYPE text changes a column the running service still reads and writes as its old type',
  },
  // Locking.
  {
    rule: 'CREATE_INDEX_NON_CONCURRENTLY',
    triggers: ['CREATE INDEX ix_scans_host ON scans (host)', 'CREATE UNIQUE INDEX ON scans (token)'],
    nearMisses: ['CREATE INDEX CONCURRENTLY ix_scans_host ON scans (host)', 'CREATE INDEX ix_measurements_at ON ONLY measurements (at)'],
    migration: { inTransaction: false },
    says: 'CREATE INDEX ix_scans_host on scans blocks writes to scans until the index is built; use CREATE INDEX CONCURRENTLY in a migration with transactional: false',
  },
  {
    rule: 'DROP_INDEX_NON_CONCURRENTLY',
    triggers: ['DROP INDEX ix_scans_host'],
    nearMisses: ['DROP INDEX CONCURRENTLY ix_scans_host'],
    migration: { inTransaction: false },
    says: 'DROP INDEX ix_scans_host takes ACCESS EXCLUSIVE on its table, blocking its reads and writes until the drop is done; use DROP INDEX CONCURRENTLY',
  },
  {
    rule: 'REINDEX_NON_CONCURRENTLY',
    triggers: ['REINDEX INDEX ix_scans_host', 'REINDEX TABLE scans', 'REINDEX (CONCURRENTLY false) TABLE scans'],
    nearMisses: ['REINDEX INDEX CONCURRENTLY ix_scans_host', 'REINDEX (CONCURRENTLY) TABLE scans'],
    migration: { inTransaction: false, serverVersion: '15.4' },
    says: 'REINDEX INDEX ix_scans_host blocks writes to the tables it rebuilds indexes of (and the reads that use the index) for the whole rebuild; use REINDEX … CONCURRENTLY',
  },
  {
    rule: 'ADD_FOREIGN_KEY_VALIDATING',
    triggers: [
      'ALTER TABLE scans ADD CONSTRAINT fk_scans_host FOREIGN KEY (host_id) REFERENCES hosts (id)',
      'ALTER TABLE scans ADD COLUMN host_id integer DEFAULT 1 REFERENCES hosts (id)',
    ],
    nearMisses: [
      'ALTER TABLE scans ADD CONSTRAINT fk_scans_host FOREIGN KEY (host_id) REFERENCES hosts (id) NOT VALID',
      // A new column is NULL in every row: nothing to check.
      'ALTER TABLE scans ADD COLUMN host_id integer REFERENCES hosts (id)',
    ],
    says: 'ALTER TABLE scans ADD CONSTRAINT fk_scans_host FOREIGN KEY … REFERENCES hosts checks every row of scans while writes to both tables wait; add it NOT VALID',
  },
  {
    rule: 'ADD_CHECK_VALIDATING',
    triggers: ['ALTER TABLE scans ADD CONSTRAINT ck_scans_port CHECK (port > 0)', 'ALTER TABLE scans ADD COLUMN port integer CHECK (port > 0)'],
    nearMisses: ['ALTER TABLE scans ADD CONSTRAINT ck_scans_port CHECK (port > 0) NOT VALID', 'ALTER TABLE scans VALIDATE CONSTRAINT ck_scans_port'],
    says: 'ALTER TABLE scans ADD CONSTRAINT ck_scans_port CHECK (…) checks every row of scans under ACCESS EXCLUSIVE',
  },
  {
    rule: 'SET_NOT_NULL_SCANS',
    triggers: [
      'ALTER TABLE scans ALTER COLUMN owner SET NOT NULL',
      // NOT VALID and never validated: the check proves nothing.
      ['ALTER TABLE scans ADD CONSTRAINT ck_owner CHECK (owner IS NOT NULL) NOT VALID', 'ALTER TABLE scans ALTER COLUMN owner SET NOT NULL'],
      // A check on another column.
      ['ALTER TABLE scans ADD CONSTRAINT ck_note CHECK (note IS NOT NULL) NOT VALID', 'ALTER TABLE scans VALIDATE CONSTRAINT ck_note', 'ALTER TABLE scans ALTER COLUMN owner SET NOT NULL'],
    ],
    nearMisses: [
      [
        'ALTER TABLE scans ADD CONSTRAINT ck_owner CHECK (owner IS NOT NULL) NOT VALID',
        'ALTER TABLE scans VALIDATE CONSTRAINT ck_owner',
        'ALTER TABLE scans ALTER COLUMN owner SET NOT NULL',
      ],
      ['ALTER TABLE scans ADD CONSTRAINT ck_owner CHECK (owner IS NOT NULL AND note IS NOT NULL)', 'ALTER TABLE scans ALTER COLUMN owner SET NOT NULL'],
    ],
    says: 'ALTER TABLE scans ALTER COLUMN owner SET NOT NULL scans every row of scans under ACCESS EXCLUSIVE; add CHECK (owner IS NOT NULL) NOT VALID',
  },
  {
    rule: 'TYPE_CHANGE_REWRITES_TABLE',
    triggers: [
      'ALTER TABLE scans ALTER COLUMN id TYPE bigint',
      ['ALTER TABLE scans ADD COLUMN note varchar(40)', 'ALTER TABLE scans ALTER COLUMN note TYPE varchar(20)'],
      'ALTER TABLE scans ALTER COLUMN note TYPE text USING lower(note)',
    ],
    nearMisses: [
      ['ALTER TABLE scans ADD COLUMN note varchar(40)', 'ALTER TABLE scans ALTER COLUMN note TYPE varchar(80)'],
      ['ALTER TABLE scans ADD COLUMN note varchar(40)', 'ALTER TABLE scans ALTER COLUMN note TYPE text'],
      ['ALTER TABLE scans ADD COLUMN cost numeric(10,2)', 'ALTER TABLE scans ALTER COLUMN cost TYPE numeric(14,2)'],
      ['ALTER TABLE scans ADD COLUMN peer cidr', 'ALTER TABLE scans ALTER COLUMN peer TYPE inet'],
      // As MikroORM writes it: the cast is the conversion the server makes anyway.
      'alter table "scans" alter column "note" type varchar(100) using ("note"::varchar(100))',
    ],
    says: 'ALTER TABLE scans ALTER COLUMN id TYPE bigint rewrites scans and its indexes under ACCESS EXCLUSIVE (no type converts to bigint in place)',
  },
  {
    rule: 'ADD_COLUMN_REWRITES_TABLE',
    triggers: [
      'ALTER TABLE scans ADD COLUMN token uuid DEFAULT gen_random_uuid()',
      'ALTER TABLE scans ADD COLUMN jitter integer NOT NULL DEFAULT (random() * 10)::integer',
      'ALTER TABLE scans ADD COLUMN seq bigserial',
      'ALTER TABLE scans ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY',
      'ALTER TABLE scans ADD COLUMN total integer GENERATED ALWAYS AS (hosts + ports) STORED',
    ],
    nearMisses: [
      'ALTER TABLE scans ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()',
      'ALTER TABLE scans ADD COLUMN created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP',
      "ALTER TABLE scans ADD COLUMN status text NOT NULL DEFAULT 'queued'",
    ],
    says: 'ALTER TABLE scans ADD COLUMN token uuid has the volatile default gen_random_uuid(), computed for every row, which rewrites scans under ACCESS EXCLUSIVE',
  },
  {
    rule: 'ADD_UNIQUE_BUILDS_INDEX',
    triggers: ['ALTER TABLE scans ADD CONSTRAINT uq_scans_token UNIQUE (token)', 'ALTER TABLE scans ADD PRIMARY KEY (id)', 'ALTER TABLE scans ADD COLUMN token uuid UNIQUE'],
    nearMisses: ['ALTER TABLE scans ADD CONSTRAINT uq_scans_token UNIQUE USING INDEX ix_scans_token', 'ALTER TABLE scans ADD CONSTRAINT pk_scans PRIMARY KEY USING INDEX ix_scans_id'],
    says: 'ALTER TABLE scans ADD CONSTRAINT uq_scans_token UNIQUE builds its index under ACCESS EXCLUSIVE, blocking reads and writes of scans',
  },
  {
    rule: 'ENUM_ADD_VALUE_IN_TRANSACTION',
    triggers: ["ALTER TYPE scan_status ADD VALUE 'paused'", "ALTER TYPE scan_status ADD VALUE IF NOT EXISTS 'paused' BEFORE 'done'"],
    nearMisses: ["ALTER TYPE scan_status RENAME VALUE 'paused' TO 'held'"],
    migration: { serverVersion: '11.22' },
    says: 'ALTER TYPE scan_status ADD VALUE cannot run inside a transaction block on PostgreSQL 11',
  },
  {
    rule: 'MISSING_LOCK_TIMEOUT',
    triggers: [
      'ALTER TABLE scans ADD COLUMN note text',
      'DROP TABLE scans',
      'TRUNCATE scans',
      'LOCK TABLE scans',
      'REFRESH MATERIALIZED VIEW scan_totals',
      'CREATE TABLE scans_2025 PARTITION OF scans FOR VALUES FROM (2025) TO (2026)',
    ],
    nearMisses: [
      ["SET LOCAL lock_timeout = '5s'", 'ALTER TABLE scans ADD COLUMN note text'],
      // SHARE lock: writes wait, reads go on.
      'CREATE INDEX ix_scans_host ON scans (host)',
      // SHARE ROW EXCLUSIVE on both tables.
      'ALTER TABLE scans ADD CONSTRAINT fk_scans_host FOREIGN KEY (host_id) REFERENCES hosts (id) NOT VALID',
      // SHARE UPDATE EXCLUSIVE.
      'ALTER TABLE scans VALIDATE CONSTRAINT fk_scans_host',
      'LOCK TABLE scans IN ACCESS EXCLUSIVE MODE NOWAIT',
    ],
    says: "ALTER TABLE scans waits for ACCESS EXCLUSIVE on scans with no lock_timeout: while it waits, every query on scans queues behind it; set lockTimeout in postgresAdapter() or ?lock_timeout= in the URL, or run SET LOCAL lock_timeout = '5s' first",
  },
  {
    rule: 'TABLE_REWRITE_COMMAND',
    triggers: ['VACUUM FULL scans', 'VACUUM (FULL, ANALYZE) scans', 'CLUSTER scans USING ix_scans_host'],
    nearMisses: ['VACUUM (ANALYZE) scans', 'VACUUM (FULL false) scans'],
    migration: { inTransaction: false },
    says: 'VACUUM FULL scans rewrites scans under ACCESS EXCLUSIVE',
  },
  {
    rule: 'REFRESH_MATERIALIZED_VIEW_NON_CONCURRENTLY',
    triggers: ['REFRESH MATERIALIZED VIEW scan_totals'],
    nearMisses: ['REFRESH MATERIALIZED VIEW CONCURRENTLY scan_totals'],
    says: 'REFRESH MATERIALIZED VIEW scan_totals blocks every read of scan_totals until the refresh is done',
  },
  {
    rule: 'LOCK_TABLE',
    triggers: ['LOCK TABLE scans IN SHARE MODE'],
    nearMisses: ['SELECT id FROM scans FOR UPDATE'],
    says: 'LOCK TABLE scans IN SHARE MODE holds that lock on scans until the transaction ends',
  },
  // Transaction hazards.
  {
    rule: 'CONCURRENTLY_IN_TRANSACTION',
    triggers: [
      'CREATE INDEX CONCURRENTLY ix_scans_host ON scans (host)',
      'DROP INDEX CONCURRENTLY ix_scans_host',
      'REINDEX INDEX CONCURRENTLY ix_scans_host',
      'ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY',
    ],
    // PostgreSQL allows REFRESH … CONCURRENTLY in a transaction (the integration test runs it in one).
    nearMisses: ['REFRESH MATERIALIZED VIEW CONCURRENTLY scan_totals', 'ALTER TABLE measurements DETACH PARTITION measurements_2020'],
    says: 'CREATE INDEX CONCURRENTLY ix_scans_host on scans cannot run inside a transaction block, and this migration runs in one: PostgreSQL refuses it; mark the migration transactional: false',
  },
  {
    rule: 'NON_TRANSACTIONAL_IN_TRANSACTION',
    triggers: ['VACUUM scans', 'CREATE DATABASE scratch', 'DROP DATABASE scratch', "ALTER SYSTEM SET work_mem = '64MB'", 'REINDEX SCHEMA app', 'CLUSTER', 'DROP TABLESPACE fast'],
    nearMisses: ['ANALYZE scans', 'CLUSTER scans USING ix_scans_host'],
    says: 'VACUUM scans cannot run inside a transaction block, and this migration runs in one: PostgreSQL refuses it',
  },
  {
    rule: 'TRANSACTION_CONTROL',
    triggers: ['COMMIT', 'BEGIN', 'START TRANSACTION', 'ROLLBACK', 'END', 'SAVEPOINT before_backfill', 'RELEASE SAVEPOINT before_backfill'],
    nearMisses: ['SET CONSTRAINTS ALL DEFERRED'],
    says: 'COMMIT inside the transaction cgmigrate runs the migration in ends it early: what follows, the version table update included, runs outside it',
  },
  {
    rule: 'DDL_WITH_DATA_CHANGE',
    triggers: [
      ['ALTER TABLE scans ADD COLUMN score integer', 'UPDATE scans SET score = 0'],
      ['CREATE INDEX ix_scans_host ON scans (host)', 'INSERT INTO scan_archive SELECT * FROM scans'],
      ['DELETE FROM scan_events', 'ALTER TABLE scans DROP COLUMN note'],
    ],
    nearMisses: [
      ['ALTER TABLE scans ADD COLUMN score integer', 'UPDATE scans SET score = 0 WHERE id < 1000'],
      ['CREATE TABLE scan_scores (scan_id integer, score integer)', 'INSERT INTO scan_scores SELECT id, 0 FROM scans'],
      ['ALTER TABLE scans ADD COLUMN score integer', "INSERT INTO scan_events VALUES (1, 'scored')"],
    ],
    says: 'UPDATE scans without WHERE runs in the same transaction as ALTER TABLE scans: both keep their locks until the migration commits, so scans stays locked while every row changes',
  },
  {
    rule: 'UPDATE_ALL_ROWS',
    triggers: ['UPDATE scans SET score = 0'],
    nearMisses: ['UPDATE scans SET score = 0 WHERE id BETWEEN 1 AND 1000'],
    says: 'UPDATE scans without WHERE updates every row of scans in one statement',
  },
  {
    rule: 'UNPARSEABLE',
    triggers: ['ALTER TABEL scans ADD COLUMN note text', 'SELECT FROM WHERE'],
    nearMisses: ["DO $$ BEGIN RAISE NOTICE 'hello'; END $$"],
    says: 'syntax error at or near "TABEL" (at character 7)',
  },
];

describe('PostgreSQL statement linter', () => {
  it('checks every PostgreSQL rule of the catalogue, and UNPARSEABLE', () => {
    const postgresRules = LINT_RULES.filter((rule) => rule.dialects.includes('postgresql')).map((rule) => rule.id);
    expect([...linter.rules].sort()).toEqual([...postgresRules, 'UNPARSEABLE'].sort());
    expect(linter.identifiers).toEqual({ caseInsensitive: false, defaultSchema: 'public' });
    // Every rule has a case below.
    expect(CASES.map((entry) => entry.rule).sort()).toEqual([...linter.rules].sort());
  });

  describe.each(CASES)('$rule', ({ rule, triggers, nearMisses, migration = {}, says }) => {
    it.each(triggers.map((sql) => [sql]))('flags %j', (sql) => {
      expect(hitsOf(rule, sql, migration)).not.toEqual([]);
    });

    it.each(nearMisses.map((sql) => [sql]))('does not flag %j', (sql) => {
      expect(hitsOf(rule, sql, migration)).toEqual([]);
    });

    it('says what it is about and what happens', () => {
      const [hit] = hitsOf(rule, triggers[0]!, migration);
      expect(hit?.message).toContain(says);
    });
  });
});

describe('with the statement cache', () => {
  it('finds the same in every case with no cache, a cold cache and a warm one, and parses nothing when warm', async () => {
    const lintCases = (using: StatementLinter) =>
      CASES.flatMap(({ triggers, nearMisses, migration = {} }) => [...triggers, ...nearMisses].map((sql) => lint(sql, migration, using)));
    const without = lintCases(linter);
    const cache = new MemoryFactCache();
    const cached = await postgresAdapter().statementLinter!({ url: URL, cwd: '/', factCache: cache });
    const cold = lintCases(cached);
    const parsed = cache.parsed;
    expect(parsed).toBeGreaterThan(CASES.length);
    const warm = lintCases(cached);
    expect(cache.parsed).toBe(parsed);
    expect(cold).toEqual(without);
    expect(warm).toEqual(without);
  });
});

describe('the table of a hit, and what the statements create', () => {
  it('names the table as the parser reads it: unquoted folded, quoted kept, the schema when given', () => {
    expect(hitsOf('DROP_COLUMN', 'ALTER TABLE App."Scans" DROP COLUMN note')).toEqual([
      expect.objectContaining({ statement: 0, table: { schema: 'app', name: 'Scans' }, message: expect.stringContaining('ALTER TABLE app."Scans" DROP COLUMN note') }),
    ]);
    expect(hitsOf('DROP_TABLE', 'DROP TABLE scans, app.hosts').map((hit) => hit.table)).toEqual([scans, { schema: 'app', name: 'hosts' }]);
  });

  it('carries the table on table-specific hits, and none on hits that hold whatever the table', () => {
    const hits = lint(['CREATE INDEX CONCURRENTLY ix_scans_host ON scans (host)', 'VACUUM scans', 'BEGIN', "ALTER TYPE scan_status ADD VALUE 'paused'"], { serverVersion: '11' });
    expect(hits.map((hit) => [hit.ruleId, hit.table])).toEqual([
      ['CONCURRENTLY_IN_TRANSACTION', undefined],
      ['NON_TRANSACTIONAL_IN_TRANSACTION', undefined],
      ['TRANSACTION_CONTROL', undefined],
      ['ENUM_ADD_VALUE_IN_TRANSACTION', undefined],
    ]);
  });

  it('lists what CREATE TABLE, CREATE TABLE AS, SELECT INTO and CREATE MATERIALIZED VIEW create, by statement', () => {
    const result = linter.lint(
      [
        'CREATE TABLE app.scan_scores (scan_id integer, score integer)',
        'CREATE TABLE scan_copy AS SELECT * FROM scans',
        'SELECT * INTO scan_backup FROM scans',
        'CREATE MATERIALIZED VIEW scan_totals AS SELECT count(*) FROM scans',
        'CREATE VIEW scan_summary AS SELECT id FROM scans',
        'ALTER TABLE scan_copy RENAME TO scan_snapshot',
      ].map((sql) => ({ sql, inTransaction: true })),
      {},
    );
    expect(result.creates).toEqual([
      { statement: 0, table: { schema: 'app', name: 'scan_scores' } },
      { statement: 1, table: { name: 'scan_copy' } },
      { statement: 2, table: { name: 'scan_backup' } },
      { statement: 3, table: { name: 'scan_totals' } },
      // A table created here keeps counting as created under its new name.
      { statement: 5, table: { name: 'scan_snapshot' } },
    ]);
  });

  it('names the table of an index created earlier in the migration when it drops it', () => {
    const hits = hitsOf('DROP_INDEX_NON_CONCURRENTLY', ['CREATE INDEX ix_scans_host ON app.scans (host)', 'DROP INDEX app.ix_scans_host']);
    expect(hits).toEqual([expect.objectContaining({ statement: 1, table: { schema: 'app', name: 'scans' } })]);
    expect(hitsOf('DROP_INDEX_NON_CONCURRENTLY', 'DROP INDEX ix_scans_host')[0]?.table).toBeUndefined();
  });
});

describe('rules that depend on the server version', () => {
  const addValue = "ALTER TYPE scan_status ADD VALUE 'paused'";
  const withDefault = "ALTER TABLE scans ADD COLUMN status text NOT NULL DEFAULT 'queued'";
  const validatedThenSet = [
    'ALTER TABLE scans ADD CONSTRAINT ck_owner CHECK (owner IS NOT NULL) NOT VALID',
    'ALTER TABLE scans VALIDATE CONSTRAINT ck_owner',
    'ALTER TABLE scans ALTER COLUMN owner SET NOT NULL',
  ];

  it(`assumes PostgreSQL ${ASSUMED_POSTGRES_MAJOR}, the oldest supported upstream, when no version is given`, () => {
    expect(ASSUMED_POSTGRES_MAJOR).toBe(13);
    expect(hitsOf('ENUM_ADD_VALUE_IN_TRANSACTION', addValue)).toEqual([]);
    expect(hitsOf('ADD_COLUMN_REWRITES_TABLE', withDefault)).toEqual([]);
    expect(hitsOf('SET_NOT_NULL_SCANS', validatedThenSet)).toEqual([]);
    expect(hitsOf('REINDEX_NON_CONCURRENTLY', 'REINDEX TABLE scans', { inTransaction: false })[0]?.message).toContain(
      'use REINDEX … CONCURRENTLY in a migration with transactional: false (server version not given: PostgreSQL 13 assumed)',
    );
  });

  it('ENUM_ADD_VALUE_IN_TRANSACTION: before 12 only, and only in a transaction', () => {
    expect(hitsOf('ENUM_ADD_VALUE_IN_TRANSACTION', addValue, { serverVersion: '11.22' })).toHaveLength(1);
    expect(hitsOf('ENUM_ADD_VALUE_IN_TRANSACTION', addValue, { serverVersion: '12.0' })).toEqual([]);
    expect(hitsOf('ENUM_ADD_VALUE_IN_TRANSACTION', addValue, { serverVersion: '9.6.24' })).toHaveLength(1);
    expect(hitsOf('ENUM_ADD_VALUE_IN_TRANSACTION', addValue, { serverVersion: '11', inTransaction: false })).toEqual([]);
  });

  it('ADD_COLUMN_REWRITES_TABLE: any non-null default before 11, only a volatile one from 11', () => {
    expect(hitsOf('ADD_COLUMN_REWRITES_TABLE', withDefault, { serverVersion: '10.23' })[0]?.message).toContain(
      "has a default, which PostgreSQL 10 writes into every row (from PostgreSQL 11 a non-volatile default is not)",
    );
    expect(hitsOf('ADD_COLUMN_REWRITES_TABLE', withDefault, { serverVersion: '11.0' })).toEqual([]);
    expect(hitsOf('ADD_COLUMN_REWRITES_TABLE', 'ALTER TABLE scans ADD COLUMN note text DEFAULT NULL', { serverVersion: '10' })).toEqual([]);
    expect(hitsOf('ADD_COLUMN_REWRITES_TABLE', 'ALTER TABLE scans ADD COLUMN token uuid DEFAULT gen_random_uuid()', { serverVersion: '16' })).toHaveLength(1);
  });

  it('SET_NOT_NULL_SCANS: a validated CHECK (col IS NOT NULL) skips the scan from 12', () => {
    expect(hitsOf('SET_NOT_NULL_SCANS', validatedThenSet, { serverVersion: '12.1' })).toEqual([]);
    expect(hitsOf('SET_NOT_NULL_SCANS', validatedThenSet, { serverVersion: '11.9' })).toEqual([
      expect.objectContaining({
        statement: 2,
        message: expect.stringContaining('PostgreSQL 11 does not use the validated CHECK (owner IS NOT NULL) to skip the scan (12+ does)'),
      }),
    ]);
  });

  it('REINDEX_NON_CONCURRENTLY: from 12 it points to CONCURRENTLY; before, it says there is none', () => {
    const [modern] = hitsOf('REINDEX_NON_CONCURRENTLY', 'REINDEX TABLE scans', { serverVersion: '12', inTransaction: false });
    expect(modern?.message).toBe(
      'REINDEX TABLE scans blocks writes to scans (and the reads that use the index) for the whole rebuild; use REINDEX … CONCURRENTLY in a migration with transactional: false',
    );
    const [old] = hitsOf('REINDEX_NON_CONCURRENTLY', 'REINDEX TABLE scans', { serverVersion: '11.5', inTransaction: false });
    expect(old?.message).toContain('PostgreSQL 11 has no REINDEX CONCURRENTLY: build a copy with CREATE INDEX CONCURRENTLY and drop the old index instead');
  });

  it('ATTACH PARTITION locks the parent with ACCESS EXCLUSIVE before 12 only; the partition always', () => {
    const attach = 'ALTER TABLE measurements ATTACH PARTITION measurements_2026 FOR VALUES FROM (2026) TO (2027)';
    expect(hitsOf('MISSING_LOCK_TIMEOUT', attach, { serverVersion: '15' })).toEqual([expect.objectContaining({ table: { name: 'measurements_2026' } })]);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', attach, { serverVersion: '11' })).toEqual([expect.objectContaining({ table: { name: 'measurements' } })]);
  });
});

describe('column type changes', () => {
  /** The rules a type change from `from` to `to` triggers, the old type known from the same migration. */
  const typeRules = (from: string, to: string): string[] =>
    lint([`ALTER TABLE scans ADD COLUMN c ${from}`, `ALTER TABLE scans ALTER COLUMN c TYPE ${to}`])
      .filter((hit) => hit.statement === 1 && (hit.ruleId === 'NARROW_COLUMN_TYPE' || hit.ruleId === 'TYPE_CHANGE_REWRITES_TABLE'))
      .map((hit) => hit.ruleId);

  it.each([
    ['varchar(40)', 'varchar(20)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['text', 'varchar(10)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['char(10)', 'char(5)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['numeric(10,2)', 'numeric(10,1)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['numeric(10,2)', 'numeric(9,2)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['numeric', 'numeric(10,2)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['bigint', 'integer', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['integer', 'smallint', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['double precision', 'real', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['numeric(12,2)', 'integer', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['timestamptz', 'date', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['timestamp(6)', 'timestamp(3)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['integer', 'bigint', ['TYPE_CHANGE_REWRITES_TABLE']],
    ['real', 'double precision', ['TYPE_CHANGE_REWRITES_TABLE']],
    ['numeric(10,2)', 'numeric(12,3)', ['TYPE_CHANGE_REWRITES_TABLE']],
    ['char(5)', 'varchar(10)', ['TYPE_CHANGE_REWRITES_TABLE']],
    ['timestamp', 'timestamptz', ['TYPE_CHANGE_REWRITES_TABLE']],
    ['varchar(20)', 'varchar(40)', []],
    ['varchar(20)', 'text', []],
    ['varchar', 'text', []],
    ['text', 'varchar', []],
    ['numeric(10,2)', 'numeric(12,2)', []],
    ['numeric(10,2)', 'numeric', []],
    ['cidr', 'inet', []],
    ['timestamp(3)', 'timestamp(6)', []],
    ['varbit(5)', 'varbit(10)', []],
  ])('%s to %s: %j', (from, to, rules) => {
    expect(typeRules(from, to)).toEqual(rules);
  });

  it('says how the type narrows and why the table is rewritten', () => {
    const hits = lint(['ALTER TABLE scans ADD COLUMN cost numeric(10,2)', 'ALTER TABLE scans ALTER COLUMN cost TYPE numeric(10,1)']);
    expect(hits.find((hit) => hit.ruleId === 'NARROW_COLUMN_TYPE')?.message).toContain('narrows cost of scans from numeric(10,2) to numeric(10,1), which keeps fewer decimals');
    expect(hits.find((hit) => hit.ruleId === 'TYPE_CHANGE_REWRITES_TABLE')?.message).toContain('(numeric(10,2) does not convert to numeric(10,1) in place)');
    const zone = lint(['ALTER TABLE scans ADD COLUMN at timestamp', 'ALTER TABLE scans ALTER COLUMN at TYPE timestamptz']);
    expect(zone.find((hit) => hit.ruleId === 'TYPE_CHANGE_REWRITES_TABLE')?.message).toContain('unless the session time zone is UTC (PostgreSQL 12+)');
  });

  it('with the old type unknown, flags a rewrite only where no type converts in place, and says what was not checked', () => {
    expect(hitsOf('TYPE_CHANGE_REWRITES_TABLE', 'ALTER TABLE scans ALTER COLUMN note TYPE varchar(100)')).toEqual([]);
    expect(hitsOf('CHANGE_COLUMN_TYPE', 'ALTER TABLE scans ALTER COLUMN note TYPE varchar(100)')[0]?.message).toContain(
      'the old type is not known (a schema operation on a table the schema operations before made, or an earlier statement of this migration, would tell it), so whether it rewrites scans was not checked',
    );
    expect(hitsOf('TYPE_CHANGE_REWRITES_TABLE', 'ALTER TABLE scans ALTER COLUMN tags TYPE text[]')).toHaveLength(1);
  });
});

describe('the table before a schema operation', () => {
  /** `scans` as the schema operations of the revisions before made it. */
  const before: TableDescription = {
    table: scans,
    columns: [
      { name: 'id', type: 'integer', primaryKey: true, autoincrement: true },
      { name: 'host', type: 'string', length: 100 },
      { name: 'port', type: 'integer', nullable: false },
      { name: 'status', type: 'string', length: 20, default: 'queued' },
      { name: 'note', type: 'text' },
      { name: 'cost', type: 'decimal', precision: 10, scale: 2 },
      { name: 'kind', type: 'enum', values: ['full', 'quick'], enumName: 'ScanKind' },
    ],
    indexes: [],
    uniques: [],
    foreignKeys: [],
    checks: [],
  };

  /** The hits of statements compiled from one `alterTable` operation on `scans`, as the PostgreSQL compiler writes them. */
  const fromOperation = (sql: string | readonly string[], operation: LintedOperation = { index: 0, kind: 'alterTable', table: scans, tableBefore: before }): StatementLintHit[] => {
    return [...linter.lint((typeof sql === 'string' ? [sql] : sql).map((text) => ({ sql: text, inTransaction: true, operation })), {}).hits];
  };
  const typeTo = (column: string, type: string): string => `alter table "scans" alter column "${column}" type ${type} using ("${column}"::${type})`;
  const rulesOf = (hits: readonly StatementLintHit[]): string[] =>
    hits.filter((hit) => hit.ruleId !== 'MISSING_LOCK_TIMEOUT' && hit.ruleId !== 'CHANGE_COLUMN_TYPE').map((hit) => hit.ruleId);

  it.each([
    ['host', 'varchar(50)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['note', 'varchar(50)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['port', 'smallint', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
    ['port', 'bigint', ['TYPE_CHANGE_REWRITES_TABLE']],
    ['id', 'bigint', ['TYPE_CHANGE_REWRITES_TABLE']],
    // Unknown old types let both pass: a numeric or a varchar may be reached in place.
    ['port', 'numeric(12,0)', ['TYPE_CHANGE_REWRITES_TABLE']],
    ['host', 'text', []],
    ['host', 'varchar(200)', []],
    ['cost', 'numeric(12,2)', []],
    ['cost', 'numeric(10,1)', ['NARROW_COLUMN_TYPE', 'TYPE_CHANGE_REWRITES_TABLE']],
  ])('%s to %s: %j', (column, type, rules) => {
    expect(rulesOf(fromOperation(typeTo(column, type)))).toEqual(rules);
  });

  it('names the old and the new type', () => {
    const hits = fromOperation(typeTo('host', 'varchar(50)'));
    expect(hits.find((hit) => hit.ruleId === 'NARROW_COLUMN_TYPE')?.message).toBe(
      'ALTER TABLE scans ALTER COLUMN host TYPE varchar(50) narrows host of scans from varchar(100) to varchar(50), which is shorter; ' +
        'a value that does not fit fails the migration or loses digits',
    );
    expect(hits.find((hit) => hit.ruleId === 'CHANGE_COLUMN_TYPE')?.message).toBe(
      'ALTER TABLE scans ALTER COLUMN host TYPE varchar(50) changes a column the running service still reads and writes as varchar(100)',
    );
    expect(fromOperation(typeTo('port', 'bigint')).find((hit) => hit.ruleId === 'TYPE_CHANGE_REWRITES_TABLE')?.message).toContain(
      'rewrites scans and its indexes under ACCESS EXCLUSIVE (integer does not convert to bigint in place)',
    );
  });

  it('finds nothing in a change to the type the column has, a native enum included', () => {
    expect(fromOperation(typeTo('host', 'varchar(100)'))).toEqual([expect.objectContaining({ ruleId: 'MISSING_LOCK_TIMEOUT' })]);
    expect(fromOperation(typeTo('kind', '"ScanKind"'))).toEqual([expect.objectContaining({ ruleId: 'MISSING_LOCK_TIMEOUT' })]);
  });

  it('takes an earlier statement of the same operation over the table before it', () => {
    const hits = fromOperation([typeTo('host', 'varchar(50)'), typeTo('host', 'varchar(20)')]);
    expect(hits.filter((hit) => hit.ruleId === 'NARROW_COLUMN_TYPE').map((hit) => hit.message)).toEqual([
      expect.stringContaining('from varchar(100) to varchar(50)'),
      expect.stringContaining('from varchar(50) to varchar(20)'),
    ]);
  });

  it('knows nothing of raw SQL, of another table, or without the table before', () => {
    const raw = linter.lint([{ sql: typeTo('host', 'varchar(50)'), inTransaction: true }], {}).hits;
    expect(rulesOf(raw)).toEqual([]);
    const hosts: LintedOperation = { index: 0, kind: 'alterTable', table: { name: 'hosts' }, tableBefore: { ...before, table: { name: 'hosts' } } };
    expect(rulesOf(fromOperation(typeTo('host', 'varchar(50)'), hosts))).toEqual([]);
    expect(rulesOf(fromOperation(typeTo('host', 'varchar(50)'), { index: 0, kind: 'alterTable', table: scans }))).toEqual([]);
  });

  it('DROP_NOT_NULL, SET_NOT_NULL_SCANS and DROP_COLUMN_DEFAULT: not for a column that is so already', () => {
    expect(rulesOf(fromOperation('alter table "scans" alter column "note" drop not null'))).toEqual([]);
    expect(rulesOf(fromOperation('alter table "scans" alter column "port" drop not null'))).toEqual(['DROP_NOT_NULL']);
    expect(rulesOf(fromOperation('alter table "scans" alter column "port" set not null'))).toEqual([]);
    expect(rulesOf(fromOperation('alter table "scans" alter column "note" set not null'))).toEqual(['SET_NOT_NULL_SCANS']);
    expect(rulesOf(fromOperation('alter table "scans" alter column "note" drop default'))).toEqual([]);
    expect(rulesOf(fromOperation('alter table "scans" alter column "status" drop default'))).toEqual(['DROP_COLUMN_DEFAULT']);
    // A serial's default is its sequence.
    expect(rulesOf(fromOperation('alter table "scans" alter column "id" drop default'))).toEqual(['DROP_COLUMN_DEFAULT']);
  });
});

describe('lock_timeout', () => {
  const alter = 'ALTER TABLE scans ADD COLUMN note text';

  it("counts the adapter's lockTimeout option", async () => {
    expect(hitsOf('MISSING_LOCK_TIMEOUT', alter, {}, await makeLinter({ lockTimeout: '5s' }))).toEqual([]);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', alter, {}, await makeLinter({ lockTimeout: 2000 }))).toEqual([]);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', alter, {}, await makeLinter({ lockTimeout: 0 }))[0]?.message).toContain(
      "with lock_timeout off (lockTimeout: '0ms' in postgresAdapter())",
    );
  });

  it("counts the URL's ?lock_timeout=, which wins over the option", async () => {
    expect(hitsOf('MISSING_LOCK_TIMEOUT', alter, {}, await makeLinter({}, `${URL}?lock_timeout=3s`))).toEqual([]);
    const off = await makeLinter({ lockTimeout: '5s' }, `${URL}?sslmode=require&lock_timeout=0`);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', alter, {}, off)[0]?.message).toContain('with lock_timeout off (?lock_timeout=0 in the URL)');
  });

  it('counts SET and SET LOCAL earlier in the migration, and set_config', () => {
    expect(hitsOf('MISSING_LOCK_TIMEOUT', ["SET lock_timeout = '2s'", alter])).toEqual([]);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', ['SET LOCAL lock_timeout TO 2000', alter])).toEqual([]);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', [`SET lock_timeout = '2s'; ${alter}`])).toEqual([]);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', ["SELECT set_config('lock_timeout', '2s', true)", alter])).toEqual([]);
    // A SET after the statement is too late.
    expect(hitsOf('MISSING_LOCK_TIMEOUT', [alter, "SET lock_timeout = '2s'"])).toHaveLength(1);
    // SET LOCAL outside a transaction block changes nothing.
    expect(hitsOf('MISSING_LOCK_TIMEOUT', ["SET LOCAL lock_timeout = '2s'", alter], { inTransaction: false })).toHaveLength(1);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', ["SET lock_timeout = '2s'", alter], { inTransaction: false })).toEqual([]);
  });

  it('takes SET lock_timeout = 0, RESET and DEFAULT as turning it off, whatever was configured', async () => {
    const configured = await makeLinter({ lockTimeout: '5s' });
    for (const off of ['SET lock_timeout = 0', "SET LOCAL lock_timeout = '0'", "SET lock_timeout = '0ms'", 'RESET lock_timeout', 'SET lock_timeout TO DEFAULT', 'RESET ALL']) {
      expect(hitsOf('MISSING_LOCK_TIMEOUT', [off, alter], {}, configured), off).toHaveLength(1);
    }
    expect(hitsOf('MISSING_LOCK_TIMEOUT', ['SET lock_timeout = 0', alter], {}, configured)[0]?.message).toContain(
      'with lock_timeout off (SET lock_timeout = 0 earlier in this migration)',
    );
    expect(hitsOf('MISSING_LOCK_TIMEOUT', ['SET statement_timeout = 0', alter], {}, configured)).toEqual([]);
  });

  it('reports one hit per statement, on a table that existed before the migration when there is one', () => {
    expect(hitsOf('MISSING_LOCK_TIMEOUT', 'ALTER TABLE scans ADD COLUMN a text, DROP COLUMN b, ALTER COLUMN c SET NOT NULL')).toHaveLength(1);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', ['CREATE TABLE scan_scores (id integer)', 'DROP TABLE scan_scores, scans'])).toEqual([
      expect.objectContaining({ statement: 1, table: scans }),
    ]);
    expect(hitsOf('MISSING_LOCK_TIMEOUT', 'ALTER TABLE scans ADD COLUMN note text', { inTransaction: false })[0]?.message).toContain(
      "or run SET lock_timeout = '5s' first",
    );
  });
});

describe('statements the parser cannot read', () => {
  it('reports the parser message with its position, counted from 1 as PostgreSQL does, and lints the other statements', () => {
    const hits = lint(['ALTER TABLE scans ADD COLUMN note text NOT NULL DEFAUT 1', 'DROP TABLE scans']);
    expect(hits.filter((hit) => hit.ruleId === 'UNPARSEABLE')).toEqual([{ ruleId: 'UNPARSEABLE', statement: 0, message: 'syntax error at or near "DEFAUT" (at character 49)' }]);
    expect(hits.filter((hit) => hit.statement === 1).map((hit) => hit.ruleId)).toEqual(['DROP_TABLE', 'MISSING_LOCK_TIMEOUT']);
  });

  it('reads every statement of a string holding several', () => {
    expect(lint('UPDATE scans SET score = 0; DELETE FROM scan_events').map((hit) => hit.ruleId)).toEqual(['UPDATE_ALL_ROWS', 'DELETE_ALL_ROWS']);
  });

  it('finds nothing in an empty or comment-only statement', () => {
    expect(lint(['', '-- nothing to do', '/* still nothing */'])).toEqual([]);
  });
});

describe('speed', () => {
  it('lints 1,000 migrations of 8 statements in well under a second', () => {
    const migration = [
      'CREATE TABLE scan_scores (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, scan_id integer NOT NULL, score integer)',
      'ALTER TABLE scans ADD COLUMN score integer NOT NULL DEFAULT 0',
      'CREATE INDEX ix_scans_score ON scans (score)',
      'ALTER TABLE scans ALTER COLUMN note TYPE varchar(200) USING ("note"::varchar(200))',
      "ALTER TABLE scans ADD CONSTRAINT fk_scans_host FOREIGN KEY (host_id) REFERENCES hosts (id) NOT VALID",
      "INSERT INTO scan_events (scan_id, kind) VALUES (1, 'scored')",
      'UPDATE scans SET score = 1 WHERE id < 100',
      'DROP INDEX ix_scans_old',
    ].map((sql) => ({ sql, inTransaction: true }));
    const started = performance.now();
    for (let revision = 0; revision < 1000; revision++) linter.lint(migration, { serverVersion: '15.4' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
