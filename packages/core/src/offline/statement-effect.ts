/**
 * Tells, from a raw statement's first keyword, whether it may change the schema. Offline
 * rendering keeps a model of the tables that schema operations made; raw DDL in
 * `op.execute` changes them in ways the model cannot follow, so after one the model
 * forgets what it knew rather than answer from a stale picture.
 *
 * Only the leading keyword is read: a statement that starts as data manipulation
 * (`INSERT`, `UPDATE`, `DELETE`, `SELECT`, `WITH`, …) leaves the schema alone; anything
 * else is taken to change it. Erring that way costs an offline rebuild that is refused
 * with a reason, never a wrong one.
 *
 * @packageDocumentation
 */

const DATA_ONLY = new Set(['insert', 'update', 'delete', 'select', 'with', 'values', 'replace', 'merge', 'copy', 'analyze', 'explain', 'set', 'show', 'call']);

/** Leading whitespace, `-- …` line comments, block comments and opening parentheses. */
const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/;

/**
 * Whether a raw statement may change the schema (any statement not led by a
 * data-manipulation keyword).
 *
 * ### Examples
 * ```ts
 * changesSchema("UPDATE scans SET status = 'done'") // false
 * changesSchema('ALTER TABLE scans ADD COLUMN note text') // true
 * ```
 */
export function changesSchema(sql: string): boolean {
  const rest = sql.replace(LEADING_NOISE, '');
  const keyword = /^[a-z]+/i.exec(rest)?.[0]?.toLowerCase();
  return keyword === undefined ? false : !DATA_ONLY.has(keyword);
}

/** Why a schema model forgot what it knew: who ran raw DDL, and the statement's first words. */
export function schemaChangeReason(who: string, sql: string): string {
  return `${who} runs raw SQL that changes the schema (${sql.trim().split(/\s+/).slice(0, 3).join(' ')} …)`;
}
