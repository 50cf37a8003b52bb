import { replacePlaceholders, type PlaceholderSyntax } from '@cloudguard/migrate-core/adapter';

/**
 * Rewrites the `?` placeholders of a statement as PostgreSQL's `$1`, `$2`, …, leaving
 * alone every `?` that is not a placeholder: inside a string constant (`'…'`, `E'…'`
 * with backslash escapes), a quoted identifier (`"…"`), a comment (`-- …`, nested
 * `/* … *∕`) or a dollar-quoted body (`$$…$$`, `$fn$…$fn$`). `\?` stands for a literal
 * `?` outside those (knex's and MikroORM's escape), for JSONB's `?`, `?|` and `?&`
 * operators in a statement that also has parameters.
 *
 * A statement without parameters is returned unchanged: it may use those operators
 * unescaped, and pg then sends it with the simple protocol, which also allows several
 * statements in one string. So is one with parameters but no `?` (already numbered `$n`).
 *
 * ### Examples
 * ```ts
 * toNumberedPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?'", [1]) // "SELECT * FROM t WHERE a = $1 AND b = '?'"
 * toNumberedPlaceholders('SELECT data \\? ? FROM t', ['key'])          // 'SELECT data ? $1 FROM t'
 * ```
 *
 * @throws {RangeError} when the number of `?` placeholders differs from `params.length`.
 */
export function toNumberedPlaceholders(sql: string, params: readonly unknown[]): string {
  if (params.length === 0 || !sql.includes('?')) return sql;
  const { text, count } = replacePlaceholders(sql, POSTGRES_QUESTION_MARKS, (index) => `$${index + 1}`);
  if (count !== 0 && count !== params.length) {
    throw new RangeError(`The statement has ${count} ? placeholder(s) but ${params.length} parameter(s) were given`);
  }
  return text;
}

/** What can hide a `?` in PostgreSQL's SQL; `\?` is knex's escape for a literal one. */
const POSTGRES_QUESTION_MARKS: PlaceholderSyntax = {
  placeholders: 'question',
  dollarQuotes: true,
  escapeStrings: true,
  escapedQuestionMark: true,
};
