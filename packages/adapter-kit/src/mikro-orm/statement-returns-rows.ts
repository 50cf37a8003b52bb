/**
 * Tells whether a statement a migration runs with `this.execute()` may return rows, for
 * offline rendering (`--sql`): there the statement is written into the script and
 * `this.execute()` answers `[]`, which is only true of a statement that returns none.
 * One that may return rows is refused instead, since the migration would go on with an
 * answer the database never gave.
 *
 * Read from the statement's text, erring towards "returns rows": a leading `SELECT`,
 * `WITH` (even one that ends in a write), `VALUES`, `TABLE`, `SHOW`, `EXPLAIN`,
 * `DESCRIBE`, a `PRAGMA` that assigns nothing, or `RETURNING` anywhere outside quotes
 * and comments.
 *
 * @packageDocumentation
 */

const READING_KEYWORDS = new Set(['select', 'with', 'values', 'table', 'show', 'explain', 'describe', 'desc']);

/** Leading whitespace, `-- …` line comments, block comments and opening parentheses. */
const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/;

/** Quoted strings and identifiers, and comments: where a keyword is only text. */
const QUOTED_OR_COMMENT = /'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|--[^\n]*|\/\*[\s\S]*?\*\//g;

/**
 * Whether `sql` may return rows (see above).
 *
 * ### Examples
 * ```ts
 * statementReturnsRows('select count(*) from "user"')                   // true
 * statementReturnsRows("insert into t (a) values (1) returning id")      // true
 * statementReturnsRows("update t set note = 'returning'")                // false
 * statementReturnsRows('pragma foreign_keys = off')                      // false
 * ```
 */
export function statementReturnsRows(sql: string): boolean {
  const keyword = /^[a-z]+/i.exec(sql.replace(LEADING_NOISE, ''))?.[0]?.toLowerCase();
  const code = sql.replace(QUOTED_OR_COMMENT, ' ');
  if (keyword === undefined) return false;
  if (READING_KEYWORDS.has(keyword)) return true;
  if (keyword === 'pragma') return !code.includes('=');
  return /\breturning\b/i.test(code);
}
