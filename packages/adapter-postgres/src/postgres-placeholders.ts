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
  let out = '';
  let count = 0;
  let i = 0;
  const n = sql.length;
  const copyUntil = (end: number): void => {
    out += sql.slice(i, end);
    i = end;
  };

  while (i < n) {
    const char = sql[i]!;
    const next = sql[i + 1];
    if (char === "'") {
      const escapes = isEscapeStringPrefix(sql, i);
      copyUntil(endOfQuoted(sql, i, "'", escapes));
    } else if (char === '"') {
      copyUntil(endOfQuoted(sql, i, '"', false));
    } else if (char === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      copyUntil(newline === -1 ? n : newline + 1);
    } else if (char === '/' && next === '*') {
      copyUntil(endOfBlockComment(sql, i));
    } else if (char === '$' && !isIdentifierChar(sql[i - 1])) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag === undefined) {
        copyUntil(i + 1);
      } else {
        const close = sql.indexOf(tag, i + tag.length);
        copyUntil(close === -1 ? n : close + tag.length);
      }
    } else if (char === '\\' && next === '?') {
      out += '?';
      i += 2;
    } else if (char === '?') {
      out += `$${++count}`;
      i += 1;
    } else {
      copyUntil(i + 1);
    }
  }

  if (count === 0) return out;
  if (count !== params.length) {
    throw new RangeError(`The statement has ${count} ? placeholder(s) but ${params.length} parameter(s) were given`);
  }
  return out;
}

/** `E'…'` (or `e'…'`) where the `E` starts a token: backslash escapes apply inside. */
function isEscapeStringPrefix(sql: string, quote: number): boolean {
  const prefix = sql[quote - 1];
  return (prefix === 'E' || prefix === 'e') && !isIdentifierChar(sql[quote - 2]);
}

/** The index just past the closing quote; a doubled quote (and, with `escapes`, a backslash) escapes. */
function endOfQuoted(sql: string, open: number, quote: string, escapes: boolean): number {
  for (let i = open + 1; i < sql.length; i++) {
    const char = sql[i];
    if (escapes && char === '\\') i++;
    else if (char === quote) {
      if (sql[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  return sql.length;
}

/** PostgreSQL's block comments nest. */
function endOfBlockComment(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i++;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}

function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && /[\w$\u0080-\uffff]/.test(char);
}
