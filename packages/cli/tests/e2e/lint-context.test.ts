/**
 * The safety lint's context (issue 21), rule by rule, with the real linters of both
 * dialects: a statement that faults a table in use is reported; the same statement on a
 * table created earlier in the same revision, or by an ancestor not yet applied to the
 * database, is not. Through core's `lint()` with the revisions and the database's heads
 * given, so nothing connects: what is judged is the graph, not a server.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEnvironment, lint, loadConfig, type LintFinding } from '@cloudguard/migrate-core';
import { postgresAdapter } from '@cloudguard/migrate-adapter-postgres';
import { sqliteAdapter } from '@cloudguard/migrate-adapter-sqlite';
import { afterAll, describe, expect, it } from 'vitest';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

type Dialect = 'postgresql' | 'sqlite';

/** The tables every case works on: `t` (columns a, b), and `u`, which `t` may reference. */
const TABLES: Record<Dialect, readonly string[]> = {
  postgresql: ['CREATE TABLE u (id integer PRIMARY KEY)', 'CREATE TABLE t (id integer PRIMARY KEY, a integer, b text DEFAULT \'x\' NOT NULL)'],
  sqlite: ['CREATE TABLE u (id integer PRIMARY KEY)', "CREATE TABLE t (id integer PRIMARY KEY, a integer, b text DEFAULT 'x' NOT NULL)"],
};

/** A statement about `t` that each rule faults when `t` is in use. */
const CASES: Record<Dialect, readonly (readonly [string, string])[]> = {
  postgresql: [
    ['DROP_TABLE', 'DROP TABLE t'],
    ['DROP_COLUMN', 'ALTER TABLE t DROP COLUMN b'],
    ['TRUNCATE_TABLE', 'TRUNCATE t'],
    ['DELETE_ALL_ROWS', 'DELETE FROM t'],
    ['DROP_COLUMN_DEFAULT', 'ALTER TABLE t ALTER COLUMN b DROP DEFAULT'],
    ['DROP_NOT_NULL', 'ALTER TABLE t ALTER COLUMN b DROP NOT NULL'],
    ['RENAME_TABLE', 'ALTER TABLE t RENAME TO t_old'],
    ['RENAME_COLUMN', 'ALTER TABLE t RENAME COLUMN b TO c'],
    ['ADD_REQUIRED_COLUMN', 'ALTER TABLE t ADD COLUMN c integer NOT NULL'],
    ['CHANGE_COLUMN_TYPE', 'ALTER TABLE t ALTER COLUMN a TYPE bigint'],
    ['TYPE_CHANGE_REWRITES_TABLE', 'ALTER TABLE t ALTER COLUMN a TYPE bigint'],
    ['CREATE_INDEX_NON_CONCURRENTLY', 'CREATE INDEX ix_t_a ON t (a)'],
    ['ADD_FOREIGN_KEY_VALIDATING', 'ALTER TABLE t ADD CONSTRAINT fk_t_u FOREIGN KEY (a) REFERENCES u (id)'],
    ['ADD_CHECK_VALIDATING', 'ALTER TABLE t ADD CONSTRAINT ck_t_a CHECK (a > 0)'],
    ['SET_NOT_NULL_SCANS', 'ALTER TABLE t ALTER COLUMN a SET NOT NULL'],
    ['ADD_COLUMN_REWRITES_TABLE', 'ALTER TABLE t ADD COLUMN c double precision DEFAULT random()'],
    ['ADD_UNIQUE_BUILDS_INDEX', 'ALTER TABLE t ADD CONSTRAINT uq_t_a UNIQUE (a)'],
    ['MISSING_LOCK_TIMEOUT', 'ALTER TABLE t ADD COLUMN c integer'],
    ['LOCK_TABLE', 'LOCK TABLE t'],
    ['UPDATE_ALL_ROWS', 'UPDATE t SET a = 1'],
  ],
  sqlite: [
    ['DROP_TABLE', 'DROP TABLE t'],
    ['DROP_COLUMN', 'ALTER TABLE t DROP COLUMN a'],
    ['DELETE_ALL_ROWS', 'DELETE FROM t'],
    ['RENAME_TABLE', 'ALTER TABLE t RENAME TO t_old'],
    ['RENAME_COLUMN', 'ALTER TABLE t RENAME COLUMN b TO c'],
    ['ADD_REQUIRED_COLUMN', 'ALTER TABLE t ADD COLUMN c integer NOT NULL'],
    ['UPDATE_ALL_ROWS', 'UPDATE t SET a = 1'],
  ],
};

const ADAPTERS = { postgresql: postgresAdapter(), sqlite: sqliteAdapter() } as const;
const URLS: Record<Dialect, string> = { postgresql: 'postgresql://nobody@127.0.0.1:1/not_connected', sqlite: 'sqlite:///not-connected.db' };

/** A project of these revisions, each running its statements with op.execute; the findings of `linted`, with `applied` the database's heads. */
async function lintOf(dialect: Dialect, revisions: Record<string, { parent: string | null; statements: readonly string[] }>, linted: readonly string[], applied: readonly string[]): Promise<LintFinding[]> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-lint-context-'));
  folders.push(cwd);
  const versions = path.join(cwd, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  for (const [id, { parent, statements }] of Object.entries(revisions)) {
    const body = statements.map((sql) => `    await op.execute(${JSON.stringify(sql)});\n`).join('');
    writeFileSync(path.join(versions, `${id}.ts`), `export default {\n  revision: '${id}',\n  downRevision: ${JSON.stringify(parent)},\n  async up(op) {\n${body}  },\n};\n`);
  }
  const config = await loadConfig({ cwd, env: {}, url: URLS[dialect], overrides: { adapter: ADAPTERS[dialect] } });
  const result = await lint(createEnvironment(config), { revisions: linted, currentHeads: applied, serverVersion: dialect === 'postgresql' ? '15' : undefined });
  return [...result.findings];
}

const rulesOf = (findings: readonly LintFinding[]) => new Set(findings.map((finding) => finding.ruleId));

for (const dialect of ['postgresql', 'sqlite'] as const) {
  describe(`lint context on ${dialect}`, () => {
    for (const [ruleId, statement] of CASES[dialect]) {
      it(`${ruleId}: reported on a table in use, silent on one the revision or an unapplied ancestor made`, async () => {
        const inUse = await lintOf(dialect, { tables: { parent: null, statements: TABLES[dialect] }, change: { parent: 'tables', statements: [statement] } }, ['change'], ['tables']);
        expect(rulesOf(inUse), statement).toContain(ruleId);
        // Lines are checked through the CLI (lint.e2e.test.ts): under the test runner's module loader they move.
        expect(inUse.find((finding) => finding.ruleId === ruleId)).toMatchObject({ revision: 'change', file: 'migrations/versions/change.ts' });

        const unappliedAncestor = await lintOf(dialect, { tables: { parent: null, statements: TABLES[dialect] }, change: { parent: 'tables', statements: [statement] } }, ['change'], []);
        expect(rulesOf(unappliedAncestor), statement).not.toContain(ruleId);

        const sameRevision = await lintOf(dialect, { tables: { parent: null, statements: [...TABLES[dialect], statement] } }, ['tables'], []);
        expect(rulesOf(sameRevision), statement).not.toContain(ruleId);
      });
    }
  });
}
