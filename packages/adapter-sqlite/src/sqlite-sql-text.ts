/**
 * SQLite's SQL as text, as far as the statement linter needs it: its tokens (SQLite's
 * own lexical rules: `'strings'`, names quoted with `"…"`, `` `…` `` or `[…]`, `--` and
 * `/* *\/` comments), its statements (split where SQLite's `sqlite3_complete` would end
 * one, so that a trigger's `BEGIN …; END` stays whole) and the line and column of an
 * offset.
 *
 * @packageDocumentation
 */

/** One token. White space and comments are not tokens. */
export interface SqliteToken {
  /** `word` a bare keyword or name, `name` a quoted name, `string` a `'…'` literal. */
  readonly kind: 'word' | 'name' | 'string' | 'number' | 'punctuation';
  /** A word as written, a quoted name or string without its quotes, a punctuation character. */
  readonly value: string;
  /** Offsets in the text, `end` exclusive. */
  readonly start: number;
  readonly end: number;
}

/** One statement of a text, without its `;`. */
export interface SqliteStatementText {
  readonly text: string;
  /** Offset of `text` in the text it was split from. */
  readonly start: number;
  /** Its tokens, offsets in the text it was split from. */
  readonly tokens: readonly SqliteToken[];
}

const SPACE = /[ \t\n\f\r]+/y;
const WORD = /[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/y;
const NUMBER = /0[xX][0-9A-Fa-f]+|(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

/**
 * The tokens of `sql`. An unterminated string, quoted name or comment runs to the end
 * of the text (the parser then says what is wrong with it).
 */
export function sqliteTokens(sql: string): SqliteToken[] {
  const tokens: SqliteToken[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r' || ch === '\f') {
      SPACE.lastIndex = i;
      SPACE.test(sql);
      i = SPACE.lastIndex;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(sql, i, ch);
      const value = sql.slice(i + 1, sql[end - 1] === ch && end - 1 > i ? end - 1 : end).replaceAll(ch + ch, ch);
      tokens.push({ kind: ch === "'" ? 'string' : 'name', value, start: i, end });
      i = end;
    } else if (ch === '[') {
      const close = sql.indexOf(']', i + 1);
      const end = close === -1 ? n : close + 1;
      tokens.push({ kind: 'name', value: sql.slice(i + 1, close === -1 ? n : close), start: i, end });
      i = end;
    } else if (matchesAt(NUMBER, sql, i) && (ch !== '.' || /\d/.test(sql[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', value: sql.slice(i, NUMBER.lastIndex), start: i, end: NUMBER.lastIndex });
      i = NUMBER.lastIndex;
    } else if (matchesAt(WORD, sql, i)) {
      tokens.push({ kind: 'word', value: sql.slice(i, WORD.lastIndex), start: i, end: WORD.lastIndex });
      i = WORD.lastIndex;
    } else {
      tokens.push({ kind: 'punctuation', value: ch, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

function matchesAt(pattern: RegExp, text: string, at: number): boolean {
  pattern.lastIndex = at;
  return pattern.test(text);
}

/** The offset just past the quote closing the one at `open` (a doubled quote is an escaped one). */
function closingQuote(text: string, open: number, quote: string): number {
  let i = open + 1;
  for (;;) {
    const next = text.indexOf(quote, i);
    if (next === -1) return text.length;
    if (text[next + 1] !== quote) return next + 1;
    i = next + 2;
  }
}

/**
 * The statements of `sql`, split at each `;` outside strings, names and comments, except
 * inside a `CREATE TRIGGER` body, which ends at `; END` as `sqlite3_complete` decides
 * (a `CASE … END;` inside the body does not end it). Empty statements are left out.
 *
 * ### Examples
 * ```ts
 * splitSqliteStatements("PRAGMA foreign_keys = off; DROP TABLE t").map((s) => s.text);
 * // ['PRAGMA foreign_keys = off', 'DROP TABLE t']
 * ```
 */
export function splitSqliteStatements(sql: string): SqliteStatementText[] {
  const statements: SqliteStatementText[] = [];
  let current: SqliteToken[] = [];
  const finish = (): void => {
    if (current.length === 0) return;
    const start = current[0]!.start;
    statements.push({ text: sql.slice(start, current.at(-1)!.end), start, tokens: current });
    current = [];
  };
  for (const token of sqliteTokens(sql)) {
    if (token.kind === 'punctuation' && token.value === ';' && !insideTriggerBody(current)) finish();
    else current.push(token);
  }
  finish();
  return statements;
}

/** Whether a `;` after these tokens is inside a trigger's body: the statement is a CREATE TRIGGER not yet at `; END`. */
function insideTriggerBody(tokens: readonly SqliteToken[]): boolean {
  if (!isWord(tokens[0], 'CREATE')) return false;
  const trigger = isWord(tokens[1], 'TEMP') || isWord(tokens[1], 'TEMPORARY') ? tokens[2] : tokens[1];
  if (!isWord(trigger, 'TRIGGER')) return false;
  const last = tokens.at(-1);
  const beforeLast = tokens.at(-2);
  // `…; END` ends the body; so does `BEGIN … END` with nothing in it (SQLite refuses that, but it is complete).
  return !(isWord(last, 'END') && beforeLast?.kind === 'punctuation' && beforeLast.value === ';');
}

/** Whether a token is the keyword (case-insensitive, never a quoted name). */
export function isWord(token: SqliteToken | undefined, keyword: string): boolean {
  return token !== undefined && token.kind === 'word' && token.value.toUpperCase() === keyword;
}

/** The 1-based line and column of an offset of `text`. */
export function lineAndColumn(text: string, offset: number): { readonly line: number; readonly column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
