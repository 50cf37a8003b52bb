/**
 * What the SQLite statement linter's findings say: each names the object, what happens
 * to it or to the running service, and, after a `;`, what to do instead.
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';

import type { TransactionAction } from './sqlite-statement-facts.js';
import type { TableRebuild } from './sqlite-table-rebuilds.js';

/** Where a statement runs: in the transaction cgmigrate runs the migration in, in one the migration opened itself, or in none. */
export type TransactionState = 'migration' | 'own' | 'none';

/** A table as a message names it. */
export function shown(table: QualifiedName): string {
  return table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
}

export const messages = {
  dropTable: (table: QualifiedName): string =>
    `DROP TABLE ${shown(table)} deletes the table and every row in it, which the running service may still read; ` +
    `stop using ${shown(table)} in a release deployed first, and drop it in a later migration`,

  dropColumn: (table: QualifiedName, column: string): string =>
    `ALTER TABLE ${shown(table)} DROP COLUMN ${column} deletes the column and its values, which the running service may still read or write; ` +
    `stop using ${shown(table)}.${column} in a release deployed first, and drop it in a later migration`,

  dropIndex: (index: QualifiedName): string =>
    `DROP INDEX ${shown(index)} removes an index that queries of the running service may rely on, which then scan the whole table; ` +
    'drop it once no query needs it, or create its replacement first',

  deleteAllRows: (table: QualifiedName): string =>
    `DELETE FROM ${shown(table)} deletes every row of ${shown(table)} (no WHERE restricts it); ` +
    'restrict it with a WHERE clause to the rows meant (in batches if they are many)',

  updateAllRows: (table: QualifiedName): string =>
    `UPDATE ${shown(table)} rewrites every row of ${shown(table)} (no WHERE restricts it) in one statement, and every other writer waits for ` +
    "SQLite's database lock until the migration commits; update in batches (WHERE id BETWEEN …), for a large table in a migration of their own",

  renameTable: (table: QualifiedName, newName: string): string =>
    `ALTER TABLE ${shown(table)} RENAME TO ${newName}: every query of the running service that names ${shown(table)} fails; ` +
    `deploy a release that no longer names ${shown(table)} first (a view named ${table.name} can keep its readers working meanwhile)`,

  renameColumn: (table: QualifiedName, column: string, newName: string): string =>
    `ALTER TABLE ${shown(table)} RENAME COLUMN ${column} TO ${newName}: every query of the running service that names ${shown(table)}.${column} fails; ` +
    `add ${newName} alongside, write both and copy the values, and drop ${column} once no release reads it`,

  addRequiredColumn: (table: QualifiedName, column: string): string =>
    `ALTER TABLE ${shown(table)} ADD COLUMN ${column} is NOT NULL without a default: SQLite refuses it on a table that has rows ` +
    `("Cannot add a NOT NULL column with default value NULL"), and inserts of the running service, which do not set ${column}, fail; ` +
    `give ${column} a DEFAULT, or add it nullable and fill it in`,

  rebuildAddsRequiredColumn: (table: QualifiedName, column: string): string =>
    `The rebuild of ${shown(table)} adds ${column} NOT NULL without a default: copying the rows fails on a table that has rows ` +
    `(NOT NULL constraint failed), and inserts of the running service, which do not set ${column}, fail; ` +
    `give ${column} a DEFAULT, or add it nullable and fill it in`,

  rebuildRenamesColumn: (table: QualifiedName, column: string, newName: string): string =>
    `The rebuild of ${shown(table)} copies ${column} into ${newName}, renaming the column: every query of the running service that names ` +
    `${shown(table)}.${column} fails; add ${newName} alongside, write both and copy the values, and drop ${column} once no release reads it`,

  tableRebuild: (rebuild: TableRebuild): string => {
    const table = shown(rebuild.table);
    const other = shown(rebuild.other);
    if (rebuild.order === 'renameFirst') {
      return (
        `${table} is rebuilt by renaming it first (${table} to ${other}, a new ${table}, the rows copied, ${other} dropped): ` +
        `SQLite (since 3.26) rewrites the foreign keys, views and triggers that name ${table} to name ${other}, and dropping ${other} ` +
        `leaves them naming a table that is gone; rebuild in SQLite's order: create the new table under another name, copy the rows, ` +
        `drop ${table}, rename the new table to ${table}`
      );
    }
    return (
      `${table} is rebuilt (${other} created, the rows copied into it, ${table} dropped, ${other} renamed to ${table}): the copy takes ` +
      "time and disk space in proportion to the table, and every other writer waits for SQLite's database lock until the migration " +
      'commits; for a large table, run it in a migration of its own when writes can wait'
    );
  },

  ddlWithDataChange: (change: string, schemaChange: string): string =>
    `${change} runs in the same transaction as a schema change (${schemaChange}): SQLite keeps the whole database locked against other writers ` +
    'until both are done and the migration commits; move the data change to a migration of its own',

  foreignKeysPragma: (value: string, state: TransactionState): string => {
    const setting = `PRAGMA foreign_keys = ${value}`;
    if (state !== 'none') {
      return (
        `${setting} inside a transaction: SQLite ignores it there, so foreign keys stay as they were; remove it: the SQLite adapter's ` +
        'foreignKeys option decides enforcement, and turns it off around each migration transaction itself'
      );
    }
    const on = /^(1|on|yes|true)$/i.test(value) ? 'on' : /^(0|off|no|false)$/i.test(value) ? 'off' : `= ${value}`;
    return (
      `${setting} outside a transaction changes the connection for the rest of the run: every later migration runs with foreign keys ${on}, ` +
      "whatever the SQLite adapter's foreignKeys option says; remove it and set that option instead"
    );
  },

  transactionControl: (keywords: string, action: TransactionAction, savepoint: string | undefined, state: TransactionState): string => {
    const statement = savepoint === undefined ? keywords : `${keywords} ${savepoint}`;
    const leaveIt = 'leave the transaction to cgmigrate';
    switch (action) {
      case 'begin':
        if (state === 'none') {
          return `${statement} opens a transaction cgmigrate does not know of (the migration runs without one): if a statement fails before its COMMIT, it is left open on the connection; make the migration transactional and ${leaveIt}`;
        }
        return `${statement} inside ${state === 'migration' ? 'the transaction cgmigrate runs the migration in' : 'a transaction already open'}: SQLite refuses it (cannot start a transaction within a transaction); ${leaveIt}`;
      case 'commit':
      case 'rollback': {
        const verb = action === 'commit' ? 'commit' : 'rollback';
        if (state === 'none') return `${statement} with no transaction open: SQLite refuses it (cannot ${verb} - no transaction is active); remove it`;
        if (state === 'own') return `${statement} ends a transaction the migration opened by hand; ${leaveIt}`;
        const undone = action === 'rollback' ? 'undoes the statements before it and ' : 'commits the statements before it, even if a later one fails, and ';
        return `${statement} ${undone}ends the transaction cgmigrate runs the migration in: what follows runs without a transaction, and cgmigrate's own COMMIT finds none; ${leaveIt}, or split the migration in two`;
      }
      case 'savepoint':
        if (state === 'none') {
          return `${statement} outside a transaction opens one (the migration runs without one), which only its RELEASE commits: if a statement fails before that, it is left open on the connection; make the migration transactional and ${leaveIt}`;
        }
        return `${statement} manages a savepoint by hand inside ${state === 'migration' ? 'the transaction cgmigrate runs the migration in' : 'a transaction the migration opened'}, which cgmigrate does not track: a ROLLBACK TO undoes part of the migration and lets the rest run on; ${leaveIt}`;
      default:
        if (state === 'none') return `${statement} with no transaction open: SQLite refuses it (no such savepoint); remove it`;
        return `${statement} manages a savepoint by hand inside ${state === 'migration' ? 'the transaction cgmigrate runs the migration in' : 'a transaction the migration opened'}, which cgmigrate does not track${action === 'rollbackTo' ? ': it undoes part of the migration and lets the rest run on' : ''}; ${leaveIt}`;
    }
  },

  unparseable: (reason: string, position: { readonly line: number; readonly column: number } | undefined): string =>
    `SQLite's grammar cannot read this statement: ${reason.replace(/\.$/, '')}${position === undefined ? '' : ` (line ${position.line}, column ${position.column})`}; ` +
    'no rule could check it, so review it by hand',
};
