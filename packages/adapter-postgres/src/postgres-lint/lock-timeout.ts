/**
 * Whether a statement that waits for a lock gives up after a while: `lock_timeout` from
 * the adapter's `lockTimeout` option, the URL's `?lock_timeout=`, or a `SET` earlier in
 * the migration.
 *
 * @packageDocumentation
 */

import type { SelectStmt, VariableSetStmt } from 'libpg-query';

import { constantOf, nodeAs, stringsOf } from './pg-tree.js';

/** `lock_timeout` where the rules check it: on or off, and what made it so (for messages). */
export interface LockTimeout {
  readonly on: boolean;
  /** What set it, for a message (`?lock_timeout=0 in the URL`, `SET lock_timeout = 0 earlier in this migration`); empty when nothing did. */
  readonly source: string;
}

/**
 * Whether a `lock_timeout` value sets a limit: anything but zero (`0`, `'0'`, `'0ms'`
 * turn it off). A value that is not a number is taken as a limit (the server refuses
 * it when it is none).
 */
export function limitsLockWait(value: string | number): boolean {
  if (typeof value === 'number') return value !== 0;
  const number = /^\s*(\d+(?:\.\d*)?|\.\d+)/.exec(value)?.[1];
  return number === undefined || Number(number) !== 0;
}

/** What a `SET` statement does to `lock_timeout`: a value, `'default'` (back to the server's), or undefined when it sets something else. */
export function lockTimeoutSetBy(statement: VariableSetStmt): string | number | 'default' | undefined {
  switch (statement.kind) {
    case 'VAR_SET_VALUE': {
      if (statement.name !== 'lock_timeout') return undefined;
      const value = constantOf(statement.args?.[0]);
      return typeof value === 'string' || typeof value === 'number' ? value : 'default';
    }
    case 'VAR_SET_DEFAULT':
    case 'VAR_RESET':
      return statement.name === 'lock_timeout' ? 'default' : undefined;
    case 'VAR_RESET_ALL':
      return 'default';
    default:
      return undefined;
  }
}

/**
 * The `lock_timeout` a `SELECT set_config('lock_timeout', '5s', is_local)` sets, with
 * whether it is local to the transaction; undefined for any other query.
 */
export function lockTimeoutSetConfig(select: SelectStmt): { readonly value: string; readonly local: boolean } | undefined {
  if (select.fromClause !== undefined || select.targetList?.length !== 1) return undefined;
  const call = nodeAs(nodeAs(select.targetList[0], 'ResTarget')?.val, 'FuncCall');
  if (call === undefined || stringsOf(call.funcname).pop() !== 'set_config') return undefined;
  const [name, value, local] = (call.args ?? []).map((argument) => constantOf(argument));
  if (name !== 'lock_timeout' || (typeof value !== 'string' && typeof value !== 'number')) return undefined;
  return { value: String(value), local: local === true || local === 'true' || local === 't' };
}
