/**
 * What the statement linter's rules know of one SQLite statement: its kind, the table,
 * and the few details a rule reads (a `WHERE`, a column's `NOT NULL` and default, the
 * columns an `INSERT … SELECT` copies). One statement is read once, into one or more
 * facts (an `ALTER TABLE` of several actions, a `DROP TABLE a, b`):
 *
 * 1. statements node-sql-parser's grammars lack, whose whole grammar is a few keywords
 *    (`BEGIN`, `COMMIT`, `PRAGMA`, `DROP INDEX`…), are read from their tokens;
 * 2. the rest by node-sql-parser's SQLite grammar, then its PostgreSQL grammar (which
 *    has `WITH … UPDATE` and `UPDATE … FROM`), as the adapter's statement reader does;
 * 3. a `CREATE TABLE`, `INDEX`, `VIEW` or `TRIGGER` neither grammar reads (SQLite's
 *    `ON CONFLICT`, `DEFERRABLE`…), or an `INSERT … VALUES` upsert, by its head alone:
 *    the name is all a rule needs of it;
 * 4. anything else is unreadable, with the SQLite grammar's message and position.
 *
 * What the grammars read of a text (steps 2 to 4) is a function of the text alone, and is
 * kept in the statement cache when core gives the linter one (`sqlite-fact-cache.ts`).
 *
 * @packageDocumentation
 */

import type { QualifiedName, StatementFactCache } from '@cloudguard/migrate-core/adapter';
import type { NodeSqlParser } from '@cloudguard/migrate-adapter-kit/sql-reading';

import { SQLITE_FACT_READER } from './sqlite-fact-cache.js';
import { factsOfAst } from './sqlite-facts-from-ast.js';
import { factsOfHead, factsOfKeywordStatement } from './sqlite-facts-by-hand.js';
import type { SqliteStatementText } from './sqlite-sql-text.js';

export type { ColumnFacts, RowCopy, StatementFact, TransactionAction } from './sqlite-statement-fact-types.js';
import type { StatementFact } from './sqlite-statement-fact-types.js';

/** A table's name for comparing: SQLite compares names without regard to case, and `main` is the default schema. */
export function tableKey(table: QualifiedName): string {
  return `${(table.schema ?? 'main').toLowerCase()}.${table.name.toLowerCase()}`;
}

/** The table a fact is about, if it is about one. */
export function tableOf(fact: StatementFact): QualifiedName | undefined {
  return 'table' in fact ? fact.table : undefined;
}

/** The grammars a statement is read with, in order. */
export interface SqliteGrammars {
  readonly sqlite: NodeSqlParser;
  readonly postgresql: NodeSqlParser;
}

/**
 * The facts of one statement (see the module comment), those the grammars read from
 * `cache` when it has them. Never throws.
 */
export function factsOfStatement(statement: SqliteStatementText, grammars: SqliteGrammars, cache?: StatementFactCache): readonly StatementFact[] {
  try {
    const byHand = factsOfKeywordStatement(statement.tokens);
    if (byHand !== undefined) return byHand;
  } catch (error) {
    return [readingFailed(error)];
  }
  const read = () => factsFromGrammars(statement, grammars);
  return cache === undefined ? read() : cache.facts(SQLITE_FACT_READER, statement.text, read);
}

/** Steps 2 to 4 of the module comment: a function of the statement's text alone (its tokens are the text's). Never throws. */
function factsFromGrammars(statement: SqliteStatementText, grammars: SqliteGrammars): readonly StatementFact[] {
  try {
    const text = withDoubleQuotedNames(statement);
    let firstError: unknown;
    for (const parser of [grammars.sqlite, grammars.postgresql]) {
      let ast: unknown;
      try {
        ast = parser.astify(text);
      } catch (error) {
        firstError ??= error;
        continue;
      }
      return (Array.isArray(ast) ? ast : [ast]).flatMap((node) => factsOfAst(node as Record<string, unknown>));
    }
    return factsOfHead(statement.tokens) ?? [unparseable(firstError)];
  } catch (error) {
    return [readingFailed(error)];
  }
}

/** A tree of a shape the mapping does not know: as unreadable as a syntax error. */
function readingFailed(error: unknown): StatementFact {
  return { kind: 'unparseable', reason: error instanceof Error ? error.message : String(error), offset: undefined };
}

function unparseable(error: unknown): StatementFact {
  const message = error instanceof Error ? error.message : String(error);
  const offset = (error as { location?: { start?: { offset?: unknown } } } | undefined)?.location?.start?.offset;
  return { kind: 'unparseable', reason: abridged(message.split('\n')[0]!), offset: typeof offset === 'number' ? offset : undefined };
}

/** The grammar's message with a long list of what it expected cut to its first few: `Expected "#", ",", … (53 in all) but "o" found`. */
function abridged(message: string): string {
  const match = /^Expected (.*) but (.*) found\.?$/.exec(message);
  if (match === null) return message;
  const expected = match[1]!.split(/, (?:or )?/);
  if (expected.length <= 6) return message;
  return `Expected ${expected.slice(0, 5).join(', ')}, … (${expected.length} in all) but ${match[2]} found`;
}

/**
 * The statement with `[name]`s written `"name"`: node-sql-parser's grammars know SQLite's
 * other quotes but not its brackets. Offsets move only by the quotes doubled inside.
 */
function withDoubleQuotedNames(statement: SqliteStatementText): string {
  const { text, start } = statement;
  if (!text.includes('[')) return text;
  let result = '';
  let from = 0;
  for (const token of statement.tokens) {
    if (token.kind !== 'name' || text[token.start - start] !== '[') continue;
    result += `${text.slice(from, token.start - start)}"${token.value.replaceAll('"', '""')}"`;
    from = token.end - start;
  }
  return result + text.slice(from);
}
