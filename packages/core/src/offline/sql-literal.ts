/**
 * Helpers for turning a statement and its bound parameters into standalone SQL text,
 * for offline mode (`--sql`). Dialect adapters decide how each value is spelled; these
 * functions find the placeholders and quote strings.
 *
 * @packageDocumentation
 */

/** How a dialect writes placeholders and which quoting constructs can hide a `?` or `$1`. */
export interface PlaceholderSyntax {
  /** `question`: `?` (SQLite, MySQL, core's `op.execute`); `numbered`: `$1`, `$2`, … (PostgreSQL). */
  readonly placeholders: 'question' | 'numbered';
  /** PostgreSQL's dollar-quoted bodies (`$$…$$`, `$fn$…$fn$`). */
  readonly dollarQuotes?: boolean | undefined;
  /** PostgreSQL's `E'…'` strings, where a backslash escapes the next character. */
  readonly escapeStrings?: boolean | undefined;
  /** `\?` stands for a literal `?` (knex's, MikroORM's and the PostgreSQL adapter's escape, for JSONB operators). */
  readonly escapedQuestionMark?: boolean | undefined;
  /** MySQL/SQLite back-quoted identifiers and SQLite's `[…]` identifiers. */
  readonly backquotes?: boolean | undefined;
  /**
   * MySQL's and MariaDB's default string syntax: `'…'` and `"…"` are both string constants
   * and a backslash escapes the next character (`'it\'s ?'` is one string). Off under their
   * `NO_BACKSLASH_ESCAPES` mode, and in every other dialect.
   */
  readonly backslashEscapes?: boolean | undefined;
}

/**
 * Replaces each placeholder of `sql` with `literal(value)`; placeholders inside string
 * constants, quoted identifiers, comments and (when enabled) dollar-quoted bodies are
 * left alone. A statement without parameters is returned unchanged.
 *
 * ### Examples
 * ```ts
 * inlineParameters("UPDATE t SET a = ? WHERE b = '?'", ["it's"], quoteSqlString, { placeholders: 'question' })
 * // "UPDATE t SET a = 'it''s' WHERE b = '?'"
 * inlineParameters('SELECT $2, $1', [1, 2], String, { placeholders: 'numbered' }) // 'SELECT 2, 1'
 * ```
 *
 * @throws {RangeError} when the number of `?` placeholders differs from `params.length`,
 *   or a `$n` has no parameter.
 */
export function inlineParameters(
  sql: string,
  params: readonly unknown[],
  literal: (value: unknown) => string,
  syntax: PlaceholderSyntax,
): string {
  if (params.length === 0) return sql;
  const { text, count } = replacePlaceholders(sql, syntax, (index) => {
    if (index < 0 || index >= params.length) {
      throw new RangeError(
        syntax.placeholders === 'numbered'
          ? `The statement uses $${index + 1} but ${params.length} parameter(s) were given`
          : `The statement has more ? placeholders than the ${params.length} parameter(s) given`,
      );
    }
    return literal(params[index]);
  });
  if (syntax.placeholders === 'question' && count !== params.length) {
    throw new RangeError(`The statement has ${count} ? placeholder(s) but ${params.length} parameter(s) were given`);
  }
  return text;
}

/** What {@link replacePlaceholders} made of a statement. */
export interface ReplacedPlaceholders {
  readonly text: string;
  /** `?` placeholders replaced, or the highest `$n` used. */
  readonly count: number;
}

/**
 * The one scanner of placeholders: walks `sql` as the dialect tokenizes it and replaces
 * each placeholder with `replacement(index)` (0-based: the n-th `?`, or `$n` → `n - 1`, so
 * `$0` gives `-1`),
 * leaving alone what sits inside string constants, quoted identifiers, comments and
 * (when enabled) dollar-quoted bodies; `\?` becomes `?` when `escapedQuestionMark` is on.
 * {@link inlineParameters} builds on it, and adapters can too (e.g. to renumber `?` as `$n`).
 *
 * ### Examples
 * ```ts
 * replacePlaceholders("a = ? AND b = '?'", { placeholders: 'question' }, (i) => `$${i + 1}`)
 * // { text: "a = $1 AND b = '?'", count: 1 }
 * ```
 */
export function replacePlaceholders(
  sql: string,
  syntax: PlaceholderSyntax,
  replacement: (index: number) => string,
): ReplacedPlaceholders {
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
      const escapes = syntax.backslashEscapes === true || (syntax.escapeStrings === true && isEscapeStringPrefix(sql, i));
      copyUntil(endOfQuoted(sql, i, "'", escapes));
    } else if (char === '"') {
      copyUntil(endOfQuoted(sql, i, '"', syntax.backslashEscapes === true));
    } else if (syntax.backquotes && char === '`') {
      copyUntil(endOfQuoted(sql, i, '`', false));
    } else if (syntax.backquotes && char === '[') {
      const close = sql.indexOf(']', i + 1);
      copyUntil(close === -1 ? n : close + 1);
    } else if (char === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      copyUntil(newline === -1 ? n : newline + 1);
    } else if (char === '/' && next === '*') {
      copyUntil(endOfBlockComment(sql, i));
    } else if (char === '$' && syntax.placeholders === 'numbered' && next !== undefined && /[0-9]/.test(next)) {
      const digits = /^\$([0-9]+)/.exec(sql.slice(i))![1]!;
      const index = Number(digits) - 1;
      out += replacement(index);
      count = Math.max(count, index + 1);
      i += digits.length + 1;
    } else if (char === '$' && syntax.dollarQuotes && !isIdentifierChar(sql[i - 1])) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag === undefined) {
        copyUntil(i + 1);
      } else {
        const close = sql.indexOf(tag, i + tag.length);
        copyUntil(close === -1 ? n : close + tag.length);
      }
    } else if (syntax.escapedQuestionMark && char === '\\' && next === '?') {
      out += '?';
      i += 2;
    } else if (char === '?' && syntax.placeholders === 'question') {
      out += replacement(count++);
      i += 1;
    } else {
      copyUntil(i + 1);
    }
  }
  return { text: out, count };
}

/**
 * A standard SQL string constant: single quotes, an embedded quote doubled. Backslashes
 * stay as they are, which is what SQLite, PostgreSQL (with its default
 * `standard_conforming_strings = on`) and SQL-92 read.
 *
 * @throws {RangeError} for a string with a NUL character, which no SQL script can carry.
 */
export function quoteSqlString(text: string): string {
  if (text.includes('\0')) throw new RangeError('A string with a NUL character cannot be written as a SQL literal');
  return `'${text.replaceAll("'", "''")}'`;
}

/** The bytes as lower-case hexadecimal digits, for `X'…'` or `'\x…'` literals. */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** `E'…'` (or `e'…'`) where the `E` starts a token. */
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

/** Block comments, nested as PostgreSQL nests them (harmless elsewhere: a nested opener rarely appears). */
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

/**
 * A number's text as a literal that stays one token after any operator: a negative
 * number in parentheses, so that `a -?` with `-1` never becomes the comment `a --1`.
 *
 * ### Examples
 * ```ts
 * signedLiteral('-2') // '(-2)'
 * signedLiteral('3')  // '3'
 * ```
 */
export function signedLiteral(text: string): string {
  return text.startsWith('-') ? `(${text})` : text;
}

/** How a dialect spells the values whose literal differs between dialects; see {@link literalWriter}. */
export interface LiteralSpelling {
  /** `true`/`false`: `TRUE`, `1`, `true`. */
  readonly boolean: (value: boolean) => string;
  /** NaN and ±Infinity; absent: they have no literal (a `RangeError`). */
  readonly nonFinite?: ((value: number) => string) | undefined;
  /** A string constant; {@link quoteSqlString} when absent. */
  readonly string?: ((value: string) => string) | undefined;
  /** A date, as the driver binds it. */
  readonly date: (value: Date) => string;
  /** Bytes, from their hexadecimal digits. */
  readonly bytes: (hex: string) => string;
  /** An array; absent: arrays have no literal (a `RangeError`). */
  readonly array?: ((value: readonly unknown[]) => string) | undefined;
  /** Any other object; absent: objects have no literal (a `RangeError`). */
  readonly object?: ((value: object) => string) | undefined;
}

/**
 * The literal writer of a dialect: `NULL` for `null` and `undefined`, numbers and bigints
 * as digits ({@link signedLiteral}), strings quoted, and the rest as `spelling` says.
 *
 * ### Examples
 * ```ts
 * const sqliteLiteral = literalWriter('SQLite', {
 *   boolean: (value) => (value ? '1' : '0'),
 *   date: (value) => quoteSqlString(value.toISOString()),
 *   bytes: (hex) => `X'${hex}'`,
 * });
 * sqliteLiteral(-2) // '(-2)'
 * ```
 * @throws {RangeError} (from the writer) for a value the dialect has no literal for.
 */
export function literalWriter(database: string, spelling: LiteralSpelling): (value: unknown) => string {
  const quote = spelling.string ?? quoteSqlString;
  const write = (value: unknown): string => {
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'boolean') return spelling.boolean(value);
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return signedLiteral(String(value));
      if (spelling.nonFinite) return spelling.nonFinite(value);
      throw new RangeError(`${database} has no literal for ${value}`);
    }
    if (typeof value === 'bigint') return signedLiteral(value.toString());
    if (typeof value === 'string') return quote(value);
    if (value instanceof Date) return spelling.date(value);
    if (value instanceof Uint8Array) return spelling.bytes(bytesToHex(value));
    if (Array.isArray(value) && spelling.array) return spelling.array(value);
    if (!Array.isArray(value) && typeof value === 'object' && spelling.object) return spelling.object(value);
    throw new RangeError(
      `${database} cannot bind a value of type ${Array.isArray(value) ? 'array' : typeof value}; convert it first (e.g. JSON.stringify)`,
    );
  };
  return write;
}
