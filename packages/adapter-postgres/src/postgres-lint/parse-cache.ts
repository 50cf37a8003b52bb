/**
 * What the PostgreSQL linter keeps of a statement in core's statement cache: libpg-query's
 * parse tree of its text, or the parser's message when it refuses the text. The tree is
 * a pure function of the text and libpg-query's version, and is JSON already (libpg-query
 * builds it with `JSON.parse`), so a warm cache spares the parse itself, which is most of
 * what reading a statement costs; the rules still walk the tree on every run.
 *
 * @packageDocumentation
 */

import type { StatementFactCache, StatementFactReader } from '@cloudguard/migrate-core/adapter';
import type { ParseResult } from 'libpg-query';

/**
 * The version of libpg-query the adapter depends on (exactly, in its `package.json`):
 * part of every entry's key, since another version may parse a text into another tree.
 * A unit test compares it with the installed one.
 */
export const LIBPG_QUERY_VERSION = '18.1.5';

/**
 * The version of {@link ParsedStatement} as the cache keeps it: bump it when its shape
 * changes, or what a refused text reads into (`parserMessage`); libpg-query's own trees
 * are versioned by {@link LIBPG_QUERY_VERSION}. `tests/unit/postgres-parse-cache.test.ts`
 * records what a few statements parse into for this version.
 */
export const PARSED_STATEMENT_VERSION = 1;

/** One statement's text as the parser read it: its tree, or why it could not. */
export type ParsedStatement = { readonly tree: ParseResult } | { readonly refused: string };

/** The parse of a statement, as the cache keeps it. */
export const POSTGRES_PARSE_READER: StatementFactReader<ParsedStatement> = {
  dialect: 'postgresql',
  version: `${PARSED_STATEMENT_VERSION} libpg-query ${LIBPG_QUERY_VERSION}`,
  restore: restoreParsedStatement,
};

/**
 * How the linter parses a statement's text: with libpg-query's `parse`, through the
 * statement cache when core gives one. Never throws: a text the parser refuses is its
 * message, as PostgreSQL words it.
 */
export function statementParser(parse: (sql: string) => ParseResult, factCache: StatementFactCache | undefined): (sql: string) => ParsedStatement {
  const read = (sql: string): ParsedStatement => {
    try {
      return { tree: parse(sql) };
    } catch (error) {
      return { refused: parserMessage(error) };
    }
  };
  return factCache === undefined ? read : (sql) => factCache.facts(POSTGRES_PARSE_READER, sql, () => read(sql));
}

/** libpg-query's error as PostgreSQL words it: `syntax error at or near "x" (at character 14)`, counting from 1 as the server does. */
function parserMessage(error: unknown): string {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } } | undefined)?.sqlDetails;
  const message = details?.message ?? (error instanceof Error ? error.message : String(error));
  // libpg-query counts from 0.
  return details?.cursorPosition === undefined ? message : `${message} (at character ${details.cursorPosition + 1})`;
}

/**
 * A parse read back from the cache, or `undefined` when it is not of a parse's shape: a
 * refusal's message, or a tree whose statements are each a node (an object of one key,
 * the statement's type, holding an object). What lies deeper is libpg-query's JSON, which
 * the rules read defensively: a node of an unexpected shape makes the statement
 * UNPARSEABLE, as a tree from the parser itself would.
 */
export function restoreParsedStatement(value: unknown): ParsedStatement | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  if (keys[0] === 'refused') return typeof value['refused'] === 'string' ? { refused: value['refused'] } : undefined;
  const tree = value['tree'];
  if (!isRecord(tree)) return undefined;
  const statements = tree['stmts'];
  if (statements !== undefined && !(Array.isArray(statements) && statements.every(isRawStatement))) return undefined;
  if (tree['version'] !== undefined && typeof tree['version'] !== 'number') return undefined;
  return { tree: tree as ParseResult };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRawStatement(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const { stmt, stmt_location: location, stmt_len: length } = value;
  return (stmt === undefined || isNode(stmt)) && (location === undefined || typeof location === 'number') && (length === undefined || typeof length === 'number');
}

function isNode(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && isRecord(value[keys[0]!]);
}
