/**
 * What the PostgreSQL linter keeps in core's statement cache: libpg-query's tree of a
 * statement, or the parser's message, keyed by libpg-query's version and
 * PARSED_STATEMENT_VERSION; and what it refuses to take back from a cache file.
 */
import { createRequire } from 'node:module';

import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';

import { LIBPG_QUERY_VERSION, PARSED_STATEMENT_VERSION, POSTGRES_PARSE_READER, restoreParsedStatement, statementParser } from '../../src/postgres-lint/parse-cache.js';

beforeAll(async () => {
  await loadModule();
});

describe('the statement cache of the PostgreSQL linter', () => {
  it('is keyed by the installed libpg-query version and PARSED_STATEMENT_VERSION', () => {
    const installed = (createRequire(import.meta.url)('libpg-query/package.json') as { version: string }).version;
    expect(LIBPG_QUERY_VERSION, 'libpg-query was upgraded: set LIBPG_QUERY_VERSION to its version').toBe(installed);
    expect(POSTGRES_PARSE_READER.dialect).toBe('postgresql');
    expect(POSTGRES_PARSE_READER.version).toBe(`${PARSED_STATEMENT_VERSION} libpg-query ${LIBPG_QUERY_VERSION}`);
  });

  it(`keeps a tree or a refusal, as recorded for PARSED_STATEMENT_VERSION (${PARSED_STATEMENT_VERSION}), and takes both back from their JSON`, () => {
    const parse = statementParser(parseSync, undefined);
    const recorded: Record<number, Record<string, unknown>> = {
      1: {
        'ALTER TABEL scans ADD COLUMN note text': { refused: 'syntax error at or near "TABEL" (at character 7)' },
        'DROP TABLE scans': { tree: parseSync('DROP TABLE scans') },
        'UPDATE scans SET score = 0; DELETE FROM scan_events': { tree: parseSync('UPDATE scans SET score = 0; DELETE FROM scan_events') },
      },
    };
    const now = Object.fromEntries(Object.keys(recorded[1]!).map((sql) => [sql, parse(sql)]));
    expect(now, 'What a statement parses into changed: bump PARSED_STATEMENT_VERSION and record the new parses under it').toEqual(recorded[PARSED_STATEMENT_VERSION]);
    for (const parsed of Object.values(now)) expect(restoreParsedStatement(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  it('restores nothing from a value that is not a parse', () => {
    const statement = { DropStmt: { removeType: 'OBJECT_TABLE' } };
    const notParses: unknown[] = [
      null,
      [],
      'DROP TABLE scans',
      {},
      { refused: 7 },
      { refused: 'x', tree: {} },
      { tree: null },
      { tree: { stmts: {} } },
      { tree: { stmts: [null] } },
      { tree: { stmts: [{ stmt: 'DropStmt' }] } },
      { tree: { stmts: [{ stmt: { DropStmt: {}, UpdateStmt: {} } }] } },
      { tree: { stmts: [{ stmt: { DropStmt: [] } }] } },
      { tree: { stmts: [{ stmt: statement, stmt_len: '16' }] } },
      { tree: { version: '170004', stmts: [{ stmt: statement }] } },
    ];
    for (const value of notParses) expect(restoreParsedStatement(value), JSON.stringify(value)).toBeUndefined();
    expect(restoreParsedStatement({ tree: { version: 170004, stmts: [{ stmt: statement, stmt_len: 16 }] } })).toEqual({ tree: { version: 170004, stmts: [{ stmt: statement, stmt_len: 16 }] } });
  });
});
