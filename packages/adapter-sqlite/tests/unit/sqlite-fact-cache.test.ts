/**
 * The SQLite linter with core's statement cache: the same findings with no cache, a cold
 * one and a warm one (which parses nothing); facts that come back from their JSON exactly
 * as they were read; and the facts the corpus reads into, recorded for the current
 * SQLITE_FACTS_VERSION, so that a change to what statements read into cannot ship without
 * a new version (which keeps warm caches from handing out facts of the old meaning).
 */
import { readFileSync } from 'node:fs';

import { NODE_SQL_PARSER_VERSION, loadNodeSqlParser } from '@cloudguard/migrate-adapter-kit/sql-reading';
import type { StatementLinter } from '@cloudguard/migrate-core/adapter';
import { MemoryFactCache } from '@cloudguard/migrate-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { sqliteAdapter } from '../../src/index.js';
import { restoreFacts, SQLITE_FACT_READER } from '../../src/sqlite-fact-cache.js';
import { splitSqliteStatements } from '../../src/sqlite-sql-text.js';
import { factsOfStatement, type SqliteGrammars, type StatementFact } from '../../src/sqlite-statement-facts.js';
import { SQLITE_FACTS_VERSION } from '../../src/sqlite-statement-fact-types.js';
import { STATEMENT_CORPUS } from '../support/statement-corpus.js';

let grammars: SqliteGrammars;
beforeAll(async () => {
  grammars = { sqlite: await loadNodeSqlParser('sqlite'), postgresql: await loadNodeSqlParser('postgresql') };
});

async function linter(factCache?: MemoryFactCache): Promise<StatementLinter> {
  return sqliteAdapter().statementLinter!({ url: 'sqlite:///app.db', cwd: '/', factCache });
}

/** Every migration of the corpus linted, in a transaction and outside one, at two server versions. */
function lintCorpus(linter: StatementLinter): unknown[] {
  return STATEMENT_CORPUS.flatMap((migration) =>
    [true, false].flatMap((inTransaction) =>
      [{}, { serverVersion: '3.25.0' }].map((settings) => linter.lint(migration.map((sql) => ({ sql, inTransaction })), settings)),
    ),
  );
}

/** Each statement of the corpus, as the linter splits them. */
const statements = () => STATEMENT_CORPUS.flat().flatMap((sql) => splitSqliteStatements(sql));

describe('the SQLite linter with the statement cache', () => {
  it('finds the same with no cache, a cold cache and a warm one, and parses nothing when warm', async () => {
    const without = lintCorpus(await linter());
    const cache = new MemoryFactCache();
    const cold = lintCorpus(await linter(cache));
    const parsedCold = cache.parsed;
    expect(parsedCold).toBeGreaterThan(40);
    const warm = lintCorpus(await linter(cache));
    expect(cache.parsed).toBe(parsedCold);
    expect(cache.kept).toBeGreaterThan(0);
    expect(cold).toEqual(without);
    expect(warm).toEqual(without);
    // The corpus triggers every rule this linter checks, so the comparison covers them all.
    const rules = new Set(without.flatMap((result) => (result as { hits: { ruleId: string }[] }).hits.map((hit) => hit.ruleId)));
    expect([...rules].sort()).toEqual([...(await linter()).rules].sort());
  });

  it('caches only what the grammars read: statements read from their keywords are not looked up', async () => {
    const cache = new MemoryFactCache();
    (await linter(cache)).lint(['BEGIN', 'PRAGMA foreign_keys = OFF', 'DROP INDEX ix', 'COMMIT'].map((sql) => ({ sql, inTransaction: false })), {});
    expect(cache.parsed + cache.kept).toBe(0);
  });

  it("gives back each statement's facts from their JSON as they were read, every field of every kind", () => {
    const kinds = new Set<StatementFact['kind']>();
    for (const statement of statements()) {
      const facts = factsOfStatement(statement, grammars);
      const restored = restoreFacts(JSON.parse(JSON.stringify(facts)));
      expect(restored, statement.text).toEqual(facts);
      // `toEqual` does not tell an absent field from an undefined one; the rules can (`'table' in fact`).
      expect(restored!.map((fact) => Object.keys(fact).sort()), statement.text).toEqual(facts.map((fact) => Object.keys(fact).sort()));
      for (const fact of facts) kinds.add(fact.kind);
    }
    const everyKind = {
      createTable: true, dropTable: true, renameTable: true, addColumn: true, dropColumn: true, renameColumn: true, alterTable: true,
      createIndex: true, dropIndex: true, schemaObject: true, insert: true, update: true, delete: true, transactionControl: true,
      pragma: true, other: true, unparseable: true,
    } satisfies Record<StatementFact['kind'], true>;
    expect([...kinds].sort()).toEqual(Object.keys(everyKind).sort());
  });

  it('restores nothing from a value that is not facts of this shape', () => {
    const notFacts: unknown[] = [
      null,
      {},
      [null],
      [{}],
      [{ kind: 'vacuum' }],
      [{ kind: 'toString' }],
      [{ kind: '__proto__' }],
      [{ kind: 'dropTable' }],
      [{ kind: 'dropTable', table: { name: 7 } }],
      [{ kind: 'dropTable', table: { name: 'scans', schema: null } }],
      [{ kind: 'createTable', table: { name: 'scans' }, columns: [{ name: 'id' }] }],
      [{ kind: 'update', table: { name: 'scans' }, everyRow: 'yes' }],
      [{ kind: 'transactionControl', action: 'abort', keywords: 'ABORT' }],
      [{ kind: 'insert', table: { name: 'scans' }, copy: { from: [{ name: 'old' }], sources: [1] } }],
      [{ kind: 'other' }, { kind: 'unparseable', reason: 'x', offset: '3' }],
    ];
    for (const value of notFacts) expect(restoreFacts(value), JSON.stringify(value)).toBeUndefined();
    expect(restoreFacts([])).toEqual([]);
  });

  it(`reads the corpus into the facts recorded for SQLITE_FACTS_VERSION (${SQLITE_FACTS_VERSION})`, () => {
    const file = new URL(`../support/sqlite-facts.v${SQLITE_FACTS_VERSION}.json`, import.meta.url);
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as { version: number; facts: { statement: string; facts: unknown }[] };
    const now = statements().map((statement) => ({ statement: statement.text, facts: JSON.parse(JSON.stringify(factsOfStatement(statement, grammars))) as unknown }));
    expect(recorded.version).toBe(SQLITE_FACTS_VERSION);
    expect(
      now,
      'What these statements read into changed: bump SQLITE_FACTS_VERSION (sqlite-statement-fact-types.ts) and record the new facts in ' +
        `tests/support/sqlite-facts.v${SQLITE_FACTS_VERSION + 1}.json, so that no warm cache hands out the old facts.`,
    ).toEqual(recorded.facts);
  });

  it("keys its entries by the facts' version and node-sql-parser's", () => {
    expect(SQLITE_FACT_READER.dialect).toBe('sqlite');
    expect(SQLITE_FACT_READER.version).toBe(`${SQLITE_FACTS_VERSION} node-sql-parser ${NODE_SQL_PARSER_VERSION}`);
  });
});
