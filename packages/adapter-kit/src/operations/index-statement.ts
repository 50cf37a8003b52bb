/**
 * The keys and condition of an index, read from its `CREATE INDEX` statement as the
 * database reports it (SQLite's `sqlite_master.sql`, PostgreSQL's `pg_get_indexdef`):
 * where a reader names no column for a key, the statement is what says it is an
 * expression.
 *
 * @packageDocumentation
 */

import type { IndexKey } from '@cloudguard/migrate-core/adapter';

/** What an index statement declares beyond its name and table. */
export interface IndexStatementParts {
  /** Each key: a column name, or `{ sql }` for an expression. */
  readonly keys: readonly IndexKey[];
  /** The partial index's condition, without its outer parentheses. */
  readonly where?: string | undefined;
}

const IDENTIFIER = '(?:`[^`]+`|"(?:[^"]|"")+"|\\[[^\\]]+\\]|[\\w$]+)';

/**
 * The keys between the parentheses after `on <table> [using <method>]` of a
 * `CREATE INDEX`, names as names and the rest as expressions, and its `where`.
 *
 * ### Examples
 * ```ts
 * indexStatementParts('CREATE INDEX ix ON public.items USING btree (lower((label)::text)) WHERE (qty > 1)');
 * // → { keys: [{ sql: 'lower((label)::text)' }], where: 'qty > 1' }
 * ```
 * @returns `undefined` when the statement is not one of an index on a table.
 */
export function indexStatementParts(sql: string): IndexStatementParts | undefined {
  const on = new RegExp(`\\son\\s+(?:${IDENTIFIER}\\.)?${IDENTIFIER}(?:\\s+using\\s+\\w+)?\\s*\\(`, 'i').exec(sql);
  if (on === null) return undefined;
  const keys: string[] = [];
  let depth = 0;
  let start = on.index + on[0].length;
  let end = sql.length;
  for (let position = start; position < sql.length; position++) {
    const char = sql[position];
    if (char === "'") position = skipQuoted(sql, position, "'");
    else if (char === '"') position = skipQuoted(sql, position, '"');
    else if (char === '(') depth++;
    else if (char === ')' && depth > 0) depth--;
    else if (depth === 0 && (char === ',' || char === ')')) {
      keys.push(sql.slice(start, position).trim());
      start = position + 1;
      if (char === ')') {
        end = position + 1;
        break;
      }
    }
  }
  const where = /^\s*(?:include\s*\([^)]*\)\s*)?(?:with\s*\([^)]*\)\s*)?where\s+([\s\S]+?)\s*;?\s*$/i.exec(sql.slice(end))?.[1];
  return { keys: keys.map(toKey), where: where === undefined ? undefined : withoutOuterParentheses(where) };
}

function toKey(key: string): IndexKey {
  const name = /^(?:`([^`]+)`|"((?:[^"]|"")+)"|\[([^\]]+)\]|([\w$]+))$/.exec(key);
  if (name === null) return { sql: key };
  return name[1] ?? name[2]?.replaceAll('""', '"') ?? name[3] ?? name[4] ?? key;
}

/** The position of the quote that closes the one at `position` (a doubled quote stays inside). */
function skipQuoted(sql: string, position: number, quote: string): number {
  let at = position + 1;
  while (at < sql.length) {
    if (sql[at] === quote) {
      if (sql[at + 1] !== quote) return at;
      at++;
    }
    at++;
  }
  return at;
}

function withoutOuterParentheses(condition: string): string {
  const trimmed = condition.trim();
  if (!trimmed.startsWith('(') || !trimmed.endsWith(')')) return trimmed;
  let depth = 0;
  for (let position = 0; position < trimmed.length; position++) {
    if (trimmed[position] === '(') depth++;
    else if (trimmed[position] === ')') depth--;
    // The opening parenthesis closes before the end: `(a) and (b)` keeps its parentheses.
    if (depth === 0 && position < trimmed.length - 1) return trimmed;
  }
  return trimmed.slice(1, -1).trim();
}
