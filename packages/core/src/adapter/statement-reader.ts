/**
 * The optional part of the adapter contract that reads SQL: what one statement
 * touches, as the dialect's own grammar reads it. Core keeps no SQL parser; an adapter
 * that can read its dialect offers a {@link StatementReader} through
 * {@link DialectAdapter.statementReader}, and branch-conflict detection uses it for the
 * raw SQL of migrations (`op.execute`, `op.db`, `op.bulkInsert`).
 *
 * @packageDocumentation
 */

import type { IdentifierRules, TouchedObject } from '../operations/touched-object.js';

/** What {@link StatementReader.read} made of a statement: what it touches, or why it could not be read. */
export type StatementReading =
  | { readonly readable: true; readonly touches: readonly TouchedObject[] }
  | { readonly readable: false; readonly reason: string };

/**
 * Reads SQL statements of one dialect with a real parser.
 *
 * ### Examples
 * ```ts
 * reader.read('ALTER TABLE scans ADD COLUMN note text')
 * // { readable: true, touches: [{ table: { name: 'scans' }, part: { kind: 'column', name: 'note' }, action: 'create' }] }
 * reader.read('VACUUM INTO nowhere ???')
 * // { readable: false, reason: 'syntax error at or near "???"' }
 * ```
 */
export interface StatementReader {
  /** How the dialect compares the names it reads, and the names schema operations give. */
  readonly identifiers: IdentifierRules;
  /**
   * What `sql` (one statement, or several separated by `;`) touches. Names are given as
   * the dialect resolves them: PostgreSQL's unquoted names folded to lower case, quoted
   * ones as written. A statement that touches no table (`SET`, `SELECT 1`) is readable
   * with no touches. A statement the grammar cannot read is `readable: false`, never
   * an empty reading: core then reports the revision as unreadable instead of claiming
   * that it touches nothing. Never throws.
   */
  read(sql: string): StatementReading;
}
