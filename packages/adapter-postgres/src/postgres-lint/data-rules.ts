/**
 * The rules on data changes in a migration: statements that change every row of a table
 * (one long transaction, every row locked), and such changes in the transaction of a
 * schema change (whose lock is then held as long).
 *
 * @packageDocumentation
 */

import type { DeleteStmt, InsertStmt, UpdateStmt } from 'libpg-query';

import type { PostgresLintRun } from './lint-run.js';
import { nodeAs, relationName, sqlName } from './pg-tree.js';

/** `DELETE` without `WHERE`. */
export function lintDelete(statement: DeleteStmt, run: PostgresLintRun): void {
  const table = relationName(statement.relation);
  if (table === undefined || statement.whereClause !== undefined) return;
  const what = `DELETE FROM ${sqlName(table)} without WHERE`;
  run.hit('DELETE_ALL_ROWS', `${what} deletes every row of ${sqlName(table)}`, table);
  run.changesAllRows(table, what);
}

/** `UPDATE` without `WHERE`. */
export function lintUpdate(statement: UpdateStmt, run: PostgresLintRun): void {
  const table = relationName(statement.relation);
  if (table === undefined || statement.whereClause !== undefined) return;
  const what = `UPDATE ${sqlName(table)} without WHERE`;
  run.hit(
    'UPDATE_ALL_ROWS',
    `${what} updates every row of ${sqlName(table)} in one statement: one long transaction that holds every row's lock until it ` +
      'commits; update in batches in a migration with transactional: false',
    table,
  );
  run.changesAllRows(table, what);
}

/** `INSERT … SELECT` from a table: as many rows as the query finds, in the migration's transaction. */
export function lintInsert(statement: InsertStmt, run: PostgresLintRun): void {
  const table = relationName(statement.relation);
  const select = nodeAs(statement.selectStmt, 'SelectStmt');
  if (table === undefined || select === undefined || select.valuesLists !== undefined) return;
  if (select.fromClause === undefined && (select.op ?? 'SETOP_NONE') === 'SETOP_NONE') return;
  run.changesAllRows(table, `INSERT INTO ${sqlName(table)} … SELECT`);
}
