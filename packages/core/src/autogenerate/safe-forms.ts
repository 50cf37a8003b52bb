/**
 * The safe forms of a generated migration (`revision --autogenerate` with the config's
 * `lint.safeAutogenerate`): what would lock a table that already exists for as long as
 * its rows take to read is written so that the table stays writable.
 *
 * - An index on an existing table is built `CONCURRENTLY`, which PostgreSQL refuses inside
 *   a transaction: it moves to a second revision, `transactional: false`, right after the
 *   first (whose own statements keep their transaction).
 * - A foreign key or check added to an existing table is added `NOT VALID` in the first
 *   revision (a brief lock; rows written from then on are checked), and validated in the
 *   second, under a lock that lets writes go on. Validating in the first revision's
 *   transaction would hold the first lock throughout, hence the second revision.
 * - A table created by the same migration keeps its indexes and constraints inline:
 *   nobody uses it yet, so no lock matters.
 *
 * The safe forms apply where the dialect's compiler has them ({@link compilesSafeForms});
 * elsewhere the migration is written as without the switch.
 *
 * @packageDocumentation
 */

import type { OperationCompileContext, SchemaOperationCompiler } from '../adapter/schema-operation-compiler.js';
import type { AlterTableOperation, QualifiedName, SchemaOperation, TableChange } from '../operations/schema-operation.js';

type IndexCreation = Extract<TableChange, { kind: 'createIndex' }>;

/** The `up` and `down` operations of one revision. */
export interface OperationPair {
  readonly up: readonly SchemaOperation[];
  readonly down: readonly SchemaOperation[];
}

/** A generated migration in its safe forms: two revisions, the second run outside a transaction. */
export interface SafeFormsSplit {
  /**
   * The first revision: the comparison's operations without the index builds on existing
   * tables, and with their foreign keys and checks added `notValid`. Its `down` no longer
   * drops the moved indexes: the second revision's `down` does, before it runs.
   */
  readonly first: OperationPair;
  /**
   * The second revision (`transactional: false`): each moved index built concurrently, then
   * each constraint added `notValid` validated; its `down` drops the indexes concurrently
   * (a validation has nothing to undo). Empty when nothing needed moving.
   */
  readonly second: OperationPair;
  /** Whether the second revision builds indexes, validates constraints, or both. */
  readonly moved: { readonly indexes: number; readonly validations: number };
}

/**
 * Splits a generated migration's operations into its safe forms (see the module's
 * description). Pure: the operations are not changed.
 *
 * ### Examples
 * ```ts
 * const { first, second } = splitSafeForms(comparison.upOperations, comparison.downOperations);
 * if (second.up.length > 0) writeFollowUp(second); // transactional: false
 * ```
 */
export function splitSafeForms(up: readonly SchemaOperation[], down: readonly SchemaOperation[]): SafeFormsSplit {
  const created = new Set(up.flatMap((operation) => (operation.kind === 'createTable' ? [keyOf(operation.table)] : [])));
  const firstUp: SchemaOperation[] = [];
  const builds: { readonly table: QualifiedName; readonly change: IndexCreation }[] = [];
  const validations: AlterTableOperation[] = [];
  for (const operation of up) {
    if (operation.kind !== 'alterTable' || created.has(keyOf(operation.table))) {
      firstUp.push(operation);
      continue;
    }
    const kept: TableChange[] = [];
    for (const change of operation.changes) {
      if (change.kind === 'createIndex' && !change.concurrently) {
        builds.push({ table: operation.table, change: { ...change, concurrently: true } });
      } else if ((change.kind === 'addForeignKey' || change.kind === 'addCheck') && change.notValid !== true) {
        kept.push({ ...change, notValid: true });
        const name = change.kind === 'addForeignKey' ? change.foreignKey.name : change.check.name;
        validations.push(single(operation.table, { kind: 'validateConstraint', name }));
      } else {
        kept.push(change);
      }
    }
    if (kept.length > 0) firstUp.push({ ...operation, changes: kept, batch: operation.batch && kept.length > 1 });
  }

  const built = new Set(builds.map(({ table, change }) => indexKey(table, change.index.name)));
  const firstDown = down.flatMap((operation): SchemaOperation[] => {
    if (operation.kind !== 'alterTable') return [operation];
    // The second revision's down drops these first; the first's down must not drop them again.
    const kept = operation.changes.filter((change) => !(change.kind === 'dropIndex' && built.has(indexKey(operation.table, change.name))));
    if (kept.length === operation.changes.length) return [operation];
    return kept.length === 0 ? [] : [{ ...operation, changes: kept, batch: operation.batch && kept.length > 1 }];
  });
  const creates = builds.map(({ table, change }) => single(table, change));
  const drops = [...builds].reverse().map(({ table, change }) => single(table, { kind: 'dropIndex', name: change.index.name, concurrently: true, ifExists: false }));
  return {
    first: { up: firstUp, down: firstDown },
    second: { up: [...creates, ...validations], down: drops },
    moved: { indexes: builds.length, validations: validations.length },
  };
}

/**
 * Whether a compiler writes the safe forms for its dialect: builds an index concurrently
 * outside a transaction, adds a foreign key and a check `notValid`, and validates a
 * constraint. Asked of the compiler itself with operations on a table that need not exist
 * (compiled offline, nothing runs), so that a dialect that refuses any of them
 * (`OPERATION_NOT_SUPPORTED`, as SQLite does) keeps the plain forms.
 */
export async function compilesSafeForms(compiler: SchemaOperationCompiler | undefined, dialect: string): Promise<boolean> {
  if (compiler === undefined) return false;
  const table: QualifiedName = { name: 'cgmigrate_safe_forms_probe' };
  const context: OperationCompileContext = { dialect, offline: true, inTransaction: false, describeTable: async () => undefined };
  const probes: TableChange[] = [
    { kind: 'createIndex', index: { name: 'ix_probe', columns: ['id'] }, concurrently: true, ifNotExists: false },
    { kind: 'dropIndex', name: 'ix_probe', concurrently: true, ifExists: false },
    {
      kind: 'addForeignKey',
      foreignKey: { name: 'fk_probe', columns: ['parent_id'], referencedTable: { name: 'cgmigrate_safe_forms_parent' }, referencedColumns: ['id'] },
      notValid: true,
    },
    { kind: 'addCheck', check: { name: 'ck_probe', expression: 'id > 0' }, notValid: true },
    { kind: 'validateConstraint', name: 'ck_probe' },
  ];
  try {
    for (const change of probes) await compiler.compile(single(table, change), context);
    return true;
  } catch {
    // A refusal, or any other failure on a made-up table: the plain forms are the safe choice then.
    return false;
  }
}

function single(table: QualifiedName, change: TableChange): AlterTableOperation {
  return { kind: 'alterTable', table, changes: [change], batch: false };
}

function keyOf(table: QualifiedName): string {
  return table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
}

function indexKey(table: QualifiedName, index: string): string {
  return `${keyOf(table)}\u0000${index}`;
}
