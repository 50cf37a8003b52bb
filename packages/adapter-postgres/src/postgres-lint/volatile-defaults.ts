/**
 * Whether a column default is volatile, which decides whether `ADD COLUMN … DEFAULT`
 * rewrites the table: since PostgreSQL 11 a non-volatile default is evaluated once and
 * stored in the catalog, a volatile one is evaluated for every row.
 *
 * @packageDocumentation
 */

import type { Node } from 'libpg-query';

import { nodeAs, stringsOf } from './pg-tree.js';

/**
 * Built-in and common extension functions that are VOLATILE. `now()`, `CURRENT_TIMESTAMP`,
 * `statement_timestamp()` and `transaction_timestamp()` are STABLE (one value for the
 * statement), so a default of theirs needs no rewrite. A function not listed here is taken
 * as not volatile: the lint cannot read its declaration.
 */
const VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'random',
  'random_normal',
  'setseed',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'gen_random_bytes',
  'gen_salt',
  'nextval',
  'currval',
  'lastval',
  'setval',
  'txid_current',
  'txid_current_if_assigned',
  'pg_current_xact_id',
  'pg_current_xact_id_if_assigned',
]);

/**
 * The first volatile function a default expression calls (`gen_random_uuid()`), or
 * undefined: the expression's nodes are searched through, nested calls and casts included.
 */
export function volatileCall(expression: Node | undefined): string | undefined {
  return volatileIn(expression);
}

function volatileIn(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const call = nodeAs(value as Node, 'FuncCall');
  if (call !== undefined) {
    const name = stringsOf(call.funcname).pop();
    if (name !== undefined && VOLATILE_FUNCTIONS.has(name)) return `${name}()`;
  }
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    const found = volatileIn(child);
    if (found !== undefined) return found;
  }
  return undefined;
}
