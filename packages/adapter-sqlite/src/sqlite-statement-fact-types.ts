/**
 * The facts the SQLite statement linter's rules read of a statement, as data (see
 * `sqlite-statement-facts.ts` for how a statement is read into them).
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';

/**
 * The version of these facts, part of the key of every entry the statement cache keeps
 * of them (`sqlite-fact-cache.ts`). Bump it with any change to the types below, and with
 * any change that makes a text read into other facts (in `sqlite-statement-facts.ts`,
 * `sqlite-facts-from-ast.ts` or `sqlite-facts-by-hand.ts`): otherwise a run with a warm
 * cache lints with facts of the old shape or meaning. The build fails on a kind or field
 * that `restoreFacts` does not rebuild, and `tests/unit/sqlite-fact-cache.test.ts` on
 * facts that differ from those recorded for this version. (node-sql-parser's own version
 * is in the key too.)
 */
export const SQLITE_FACTS_VERSION = 1;

/** A column as a rule sees it. */
export interface ColumnFacts {
  readonly name: string;
  /** `NOT NULL` without a default other than NULL, neither generated nor the rowid: every insert must give it a value. */
  readonly required: boolean;
}

/** What an `INSERT … SELECT … FROM` copies. */
export interface RowCopy {
  /** The tables it selects from. */
  readonly from: readonly QualifiedName[];
  /** For each selected value, the column it is when it is a plain column (`*` for `*`), else undefined. */
  readonly sources: readonly (string | undefined)[];
}

/** A transaction-control statement's action. */
export type TransactionAction = 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo';

/** One fact of a statement; see the module comment. */
export type StatementFact =
  | { readonly kind: 'createTable'; readonly table: QualifiedName; readonly columns: readonly ColumnFacts[] | undefined }
  | { readonly kind: 'dropTable'; readonly table: QualifiedName }
  | { readonly kind: 'renameTable'; readonly table: QualifiedName; readonly newName: string }
  | { readonly kind: 'addColumn'; readonly table: QualifiedName; readonly column: ColumnFacts }
  | { readonly kind: 'dropColumn'; readonly table: QualifiedName; readonly column: string }
  | { readonly kind: 'renameColumn'; readonly table: QualifiedName; readonly column: string; readonly newName: string }
  /** Any other change `ALTER TABLE` makes. */
  | { readonly kind: 'alterTable'; readonly table: QualifiedName }
  | { readonly kind: 'createIndex'; readonly table: QualifiedName; readonly index: string }
  | { readonly kind: 'dropIndex'; readonly index: string; readonly schema: string | undefined }
  /** A view or trigger created or dropped: `table` is a trigger's table when known. */
  | { readonly kind: 'schemaObject'; readonly table: QualifiedName | undefined }
  | { readonly kind: 'insert'; readonly table: QualifiedName; readonly columns: readonly string[] | undefined; readonly copy: RowCopy | undefined }
  /** `everyRow`: no `WHERE` (or an always-true one) and no `LIMIT`. */
  | { readonly kind: 'update' | 'delete'; readonly table: QualifiedName; readonly everyRow: boolean }
  /** `keywords`: the statement's keywords as a message shows them, `COMMIT`, `ROLLBACK TO SAVEPOINT`. */
  | { readonly kind: 'transactionControl'; readonly action: TransactionAction; readonly keywords: string; readonly savepoint: string | undefined }
  /** `value` as written, undefined for a pragma that is read rather than set. */
  | { readonly kind: 'pragma'; readonly name: string; readonly value: string | undefined }
  /** What no rule reads: `SELECT`, `VACUUM`, `ANALYZE`… */
  | { readonly kind: 'other' }
  /** `offset`: where in the statement's text the grammar stopped, when it says. */
  | { readonly kind: 'unparseable'; readonly reason: string; readonly offset: number | undefined };
