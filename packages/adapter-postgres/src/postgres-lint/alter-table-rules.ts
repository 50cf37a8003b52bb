/**
 * The rules on `ALTER TABLE`: what each subcommand destroys, breaks for the running
 * service, or locks and for how long.
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';
import type { AlterTableCmd, AlterTableStmt, AlterTableType, ColumnDef, Constraint, Node } from 'libpg-query';

import { columnTypeOf, displayType, mayKeepTable, SERIAL_TYPES, typeChange, type ColumnType } from './column-types.js';
import type { PostgresLintRun } from './lint-run.js';
import { constantOf, nodeAs, relationName, sqlIdentifier, sqlName, stringsOf } from './pg-tree.js';
import { volatileCall } from './volatile-defaults.js';

/**
 * Subcommands that take less than ACCESS EXCLUSIVE on the table: SHARE UPDATE EXCLUSIVE
 * (statistics, storage parameters, clustering, VALIDATE CONSTRAINT, partitions from
 * PostgreSQL 12) or SHARE ROW EXCLUSIVE (triggers on or off). Adding a foreign key takes
 * SHARE ROW EXCLUSIVE too (see {@link takesAccessExclusive}).
 */
const WEAKER_LOCK: ReadonlySet<AlterTableType> = new Set<AlterTableType>([
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_ValidateConstraint',
  'AT_DetachPartitionFinalize',
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
]);

/** The relations whose `ALTER` the rules read: tables hold rows; the rest of `ALTER TABLE`'s kinds (index, sequence, view, type) do not. */
const TABLE_KINDS: ReadonlySet<string> = new Set(['OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_MATVIEW']);

/** Lints `ALTER TABLE`, subcommand by subcommand. */
export function lintAlterTable(statement: AlterTableStmt, run: PostgresLintRun): void {
  const table = relationName(statement.relation);
  if (table === undefined || !TABLE_KINDS.has(statement.objtype ?? 'OBJECT_TABLE')) return;
  const alter = `ALTER TABLE ${sqlName(table)}`;
  const locked: QualifiedName[] = [];
  for (const item of statement.cmds ?? []) {
    const command = nodeAs(item, 'AlterTableCmd');
    if (command === undefined) continue;
    lintCommand(command, table, alter, run);
    if (takesAccessExclusive(command, run)) locked.push(table);
    locked.push(...partitionLocked(command));
  }
  run.changesSchema(table, alter);
  if (locked.length > 0) run.takesAccessExclusive(alter, locked);
}

function lintCommand(command: AlterTableCmd, table: QualifiedName, alter: string, run: PostgresLintRun): void {
  const column = command.name;
  switch (command.subtype) {
    case 'AT_AddColumn': {
      const definition = nodeAs(command.def, 'ColumnDef');
      if (definition !== undefined) lintAddColumn(definition, table, alter, run);
      return;
    }
    case 'AT_DropColumn':
      if (column === undefined) return;
      run.hit(
        'DROP_COLUMN',
        `${alter} DROP COLUMN ${sqlIdentifier(column)} deletes ${sqlIdentifier(column)} and its values, which the running service may still ` +
          'read or write: stop using it in one release and drop it in a later one',
        table,
      );
      run.typed(table, column, undefined);
      return;
    case 'AT_AlterColumnType':
      if (column !== undefined) lintColumnType(command, column, table, alter, run);
      return;
    case 'AT_ColumnDefault':
      if (column === undefined) return;
      // Dropping a default the column does not have changes nothing.
      if (command.def === undefined && run.hadDefault(table, column) !== false) {
        run.hit(
          'DROP_COLUMN_DEFAULT',
          `${alter} ALTER COLUMN ${sqlIdentifier(column)} DROP DEFAULT: inserts of the running service that leave ${sqlIdentifier(column)} out ` +
            'get NULL (or fail on NOT NULL) instead of the default; drop it once no deployed version relies on it',
          table,
        );
      }
      run.changedColumn(table, column);
      return;
    case 'AT_DropNotNull':
      if (column === undefined) return;
      // A column that accepts NULL already: nothing changes for its readers.
      if (run.wasNullable(table, column) !== true) {
        run.hit(
          'DROP_NOT_NULL',
          `${alter} ALTER COLUMN ${sqlIdentifier(column)} DROP NOT NULL: readers of the running service that expect a value in ` +
            `${sqlIdentifier(column)} may get NULL`,
          table,
        );
      }
      run.changedColumn(table, column);
      return;
    case 'AT_SetNotNull':
      if (column === undefined) return;
      lintSetNotNull(column, table, alter, run);
      run.changedColumn(table, column);
      return;
    case 'AT_AddConstraint': {
      const constraint = nodeAs(command.def, 'Constraint');
      if (constraint !== undefined) lintAddConstraint(constraint, table, alter, run);
      return;
    }
    case 'AT_ValidateConstraint':
      if (command.name !== undefined) run.validated(table, command.name);
      return;
    case 'AT_DetachPartition': {
      const partition = nodeAs(command.def, 'PartitionCmd');
      if (partition?.concurrent === true && run.inTransaction) {
        run.hit(
          'CONCURRENTLY_IN_TRANSACTION',
          `${alter} DETACH PARTITION … CONCURRENTLY cannot run inside a transaction block, and this migration runs in one: ` +
            'PostgreSQL refuses it; mark the migration transactional: false',
        );
      }
      return;
    }
    default:
      return;
  }
}

/** Whether the subcommand takes ACCESS EXCLUSIVE on the altered table itself. */
function takesAccessExclusive(command: AlterTableCmd, run: PostgresLintRun): boolean {
  const subtype = command.subtype;
  if (subtype === undefined || WEAKER_LOCK.has(subtype)) return false;
  if (subtype === 'AT_AddConstraint') return nodeAs(command.def, 'Constraint')?.contype !== 'CONSTR_FOREIGN';
  if (subtype === 'AT_DetachPartition') return nodeAs(command.def, 'PartitionCmd')?.concurrent !== true;
  // ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent from PostgreSQL 12.
  if (subtype === 'AT_AttachPartition') return run.server.major < 12;
  return true;
}

/** The partition an ATTACH or DETACH PARTITION (not CONCURRENTLY) takes ACCESS EXCLUSIVE on. */
function partitionLocked(command: AlterTableCmd): QualifiedName[] {
  if (command.subtype !== 'AT_AttachPartition' && command.subtype !== 'AT_DetachPartition') return [];
  const partition = nodeAs(command.def, 'PartitionCmd');
  if (partition === undefined || partition.concurrent === true) return [];
  const name = relationName(partition.name);
  return name === undefined ? [] : [name];
}

// ── ADD COLUMN ───────────────────────────────────────────────────────────────

function lintAddColumn(definition: ColumnDef, table: QualifiedName, alter: string, run: PostgresLintRun): void {
  const column = definition.colname;
  if (column === undefined) return;
  const type = columnTypeOf(definition.typeName);
  const constraints = constraintsOf(definition.constraints);
  const added = `${alter} ADD COLUMN ${sqlIdentifier(column)}${type === undefined ? '' : ` ${displayType(type)}`}`;
  const name = sqlName(table);
  const byKind = (kind: Constraint['contype']): Constraint | undefined => constraints.find((constraint) => constraint.contype === kind);
  const defaultExpression = byKind('CONSTR_DEFAULT')?.raw_expr;
  const hasDefault = defaultExpression !== undefined && constantOf(defaultExpression) !== null;
  const serial = type !== undefined && SERIAL_TYPES.has(type.name) && !type.array;
  const identity = byKind('CONSTR_IDENTITY') !== undefined;
  const generated = byKind('CONSTR_GENERATED');
  const storedGenerated = generated !== undefined && generated.generated_kind !== 'v';

  const required = byKind('CONSTR_NOTNULL') !== undefined || byKind('CONSTR_PRIMARY') !== undefined;
  if (required && !hasDefault && !serial && !identity && generated === undefined) {
    run.hit(
      'ADD_REQUIRED_COLUMN',
      `${added} NOT NULL without a default: the statement fails if ${name} has rows, and inserts of the running service, which ` +
        `do not set ${sqlIdentifier(column)}, fail; give it a DEFAULT, or add it nullable, backfill it, then SET NOT NULL`,
      table,
    );
  }

  const rewrite = addColumnRewrite(defaultExpression, hasDefault, serial, identity, storedGenerated, run);
  if (rewrite !== undefined) {
    run.hit(
      'ADD_COLUMN_REWRITES_TABLE',
      `${added} ${rewrite}, which rewrites ${name} under ACCESS EXCLUSIVE, blocking its reads and writes for the whole rewrite; ` +
        'add the column without it, then fill it in batches',
      table,
    );
  }

  for (const constraint of constraints) {
    if (constraint.contype === 'CONSTR_CHECK' && validates(constraint)) {
      run.hit(
        'ADD_CHECK_VALIDATING',
        `${added} with a CHECK checks every row of ${name} under ACCESS EXCLUSIVE; add the column, then ADD CONSTRAINT … CHECK (…) ` +
          'NOT VALID and VALIDATE CONSTRAINT in a later statement',
        table,
      );
    }
    // A new column is NULL in every row unless it has a default: the foreign key then has nothing to check.
    if (constraint.contype === 'CONSTR_FOREIGN' && validates(constraint) && hasDefault) {
      const referenced = relationName(constraint.pktable);
      run.hit(
        'ADD_FOREIGN_KEY_VALIDATING',
        `${added} with a default and REFERENCES ${referenced === undefined ? '…' : sqlName(referenced)} checks every row of ${name} ` +
          'against it while writes wait; add the column without the reference, then ADD CONSTRAINT … FOREIGN KEY … NOT VALID ' +
          'and VALIDATE CONSTRAINT in a later statement',
        table,
      );
    }
    if ((constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') && constraint.indexname === undefined) {
      const kind = constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY';
      run.hit(
        'ADD_UNIQUE_BUILDS_INDEX',
        `${added} ${kind} builds its index over every row of ${name} under ACCESS EXCLUSIVE; add the column, build the index ` +
          `with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … ${kind} USING INDEX`,
        table,
      );
    }
  }
  run.typed(table, column, type);
}

/** Why adding the column rewrites the table, or undefined when it does not. */
function addColumnRewrite(
  defaultExpression: Node | undefined,
  hasDefault: boolean,
  serial: boolean,
  identity: boolean,
  storedGenerated: boolean,
  run: PostgresLintRun,
): string | undefined {
  if (serial) return 'fills every row from a new sequence';
  if (identity) return 'as an identity column fills every row from its sequence';
  if (storedGenerated) return 'as a stored generated column computes every row';
  if (!hasDefault) return undefined;
  const volatile = volatileCall(defaultExpression);
  if (volatile !== undefined) return `has the volatile default ${volatile}, computed for every row`;
  if (run.server.major < 11) {
    return `has a default, which PostgreSQL ${run.server.major} writes into every row (from PostgreSQL 11 a non-volatile default is not)`;
  }
  return undefined;
}

// ── ALTER COLUMN … TYPE ──────────────────────────────────────────────────────

function lintColumnType(command: AlterTableCmd, column: string, table: QualifiedName, alter: string, run: PostgresLintRun): void {
  const definition = nodeAs(command.def, 'ColumnDef');
  const target = columnTypeOf(definition?.typeName);
  const previous = run.columnType(table, column);
  run.typed(table, column, target);
  const ownConversion = definition?.raw_default !== undefined && !convertsPlainly(definition.raw_default, column, target);
  // The type it already has: nothing changes.
  if (previous !== undefined && target !== undefined && !ownConversion && sameType(previous, target)) return;

  const name = sqlName(table);
  const changed = `${alter} ALTER COLUMN ${sqlIdentifier(column)} TYPE ${target === undefined ? '…' : displayType(target)}`;
  const unseen = previous === undefined && target !== undefined && !ownConversion && mayKeepTable(target);
  run.hit(
    'CHANGE_COLUMN_TYPE',
    `${changed} changes a column the running service still reads and writes as ${previous === undefined ? 'its old type' : displayType(previous)}` +
      (unseen
        ? `; the old type is not known (a schema operation on a table the schema operations before made, or an earlier statement ` +
          `of this migration, would tell it), so whether it rewrites ${name} was not checked (it does unless the change only ` +
          'lengthens or widens the same type, or makes a varchar text)'
        : ''),
    table,
  );

  let rewrite: string | undefined;
  if (ownConversion) rewrite = 'its USING expression computes the value of every row';
  else if (target === undefined) rewrite = 'the new type is not one the lint can compare';
  else if (previous !== undefined) {
    const change = typeChange(previous, target);
    if (change.narrows !== undefined) {
      run.hit(
        'NARROW_COLUMN_TYPE',
        `${changed} narrows ${sqlIdentifier(column)} of ${name} from ${displayType(previous)} to ${displayType(target)}, which ${change.narrows}; ` +
          'a value that does not fit fails the migration or loses digits',
        table,
      );
    }
    if (change.rewrites) {
      rewrite = `${displayType(previous)} does not convert to ${displayType(target)} in place`;
      if (change.rewriteCondition !== undefined) rewrite += ` ${change.rewriteCondition}`;
    }
  } else if (!mayKeepTable(target)) {
    rewrite = `no type converts to ${displayType(target)} in place`;
  }
  if (rewrite !== undefined) {
    run.hit(
      'TYPE_CHANGE_REWRITES_TABLE',
      `${changed} rewrites ${name} and its indexes under ACCESS EXCLUSIVE (${rewrite}), blocking its reads and writes for the whole ` +
        'rewrite; add a column of the new type, fill it in batches, and switch over',
      table,
    );
  }
}

/** Whether `USING` is the conversion the server would make anyway: the column, or the column cast to the new type (as MikroORM writes it). */
function convertsPlainly(using: Node, column: string, target: ColumnType | undefined): boolean {
  const isColumn = (node: Node | undefined): boolean => {
    const fields = stringsOf(nodeAs(node, 'ColumnRef')?.fields);
    return fields.length === 1 && fields[0] === column;
  };
  if (isColumn(using)) return true;
  const cast = nodeAs(using, 'TypeCast');
  if (cast === undefined || !isColumn(cast.arg)) return false;
  const castType = columnTypeOf(cast.typeName);
  return target !== undefined && castType !== undefined && sameType(castType, target);
}

function sameType(first: ColumnType, second: ColumnType): boolean {
  return first.name === second.name && first.array === second.array && first.modifiers.join() === second.modifiers.join();
}

// ── SET NOT NULL and constraints ─────────────────────────────────────────────

function lintSetNotNull(column: string, table: QualifiedName, alter: string, run: PostgresLintRun): void {
  // PostgreSQL skips the scan for a column that is NOT NULL already.
  if (run.wasNullable(table, column) === false) return;
  const checked = run.isCheckedNotNull(table, column);
  if (checked && run.server.major >= 12) return;
  const name = sqlName(table);
  const set = `${alter} ALTER COLUMN ${sqlIdentifier(column)} SET NOT NULL scans every row of ${name} under ACCESS EXCLUSIVE`;
  run.hit(
    'SET_NOT_NULL_SCANS',
    checked
      ? `${set}: PostgreSQL ${run.server.major} does not use the validated CHECK (${sqlIdentifier(column)} IS NOT NULL) to skip the scan (12+ does)`
      : `${set}; add CHECK (${sqlIdentifier(column)} IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT it first, and SET NOT NULL then ` +
          'skips the scan (PostgreSQL 12+)',
    table,
  );
}

function lintAddConstraint(constraint: Constraint, table: QualifiedName, alter: string, run: PostgresLintRun): void {
  const name = sqlName(table);
  const added = `${alter} ADD ${constraint.conname === undefined ? '' : `CONSTRAINT ${sqlIdentifier(constraint.conname)} `}`;
  const validating = validates(constraint);
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN': {
      if (!validating) return;
      const referenced = relationName(constraint.pktable);
      run.hit(
        'ADD_FOREIGN_KEY_VALIDATING',
        `${added}FOREIGN KEY … REFERENCES ${referenced === undefined ? '…' : sqlName(referenced)} checks every row of ${name} while ` +
          `writes to both tables wait; add it NOT VALID, then VALIDATE CONSTRAINT in a later statement`,
        table,
      );
      return;
    }
    case 'CONSTR_CHECK':
      for (const column of notNullColumns(constraint.raw_expr)) run.notNullCheck(table, column, validating, constraint.conname);
      if (validating) {
        run.hit(
          'ADD_CHECK_VALIDATING',
          `${added}CHECK (…) checks every row of ${name} under ACCESS EXCLUSIVE, blocking its reads and writes; add it NOT VALID, ` +
            'then VALIDATE CONSTRAINT in a later statement',
          table,
        );
      }
      return;
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY': {
      if (constraint.indexname !== undefined) return;
      const kind = constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY';
      run.hit(
        'ADD_UNIQUE_BUILDS_INDEX',
        `${added}${kind} builds its index under ACCESS EXCLUSIVE, blocking reads and writes of ${name} for the whole build; ` +
          `build it with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … ${kind} USING INDEX`,
        table,
      );
      return;
    }
    default:
      return;
  }
}

/** Whether adding the constraint checks the existing rows: not `NOT VALID`, not `NOT ENFORCED`. */
function validates(constraint: Constraint): boolean {
  return constraint.skip_validation !== true && constraint.is_enforced !== false;
}

/** The columns a CHECK expression proves not null: `col IS NOT NULL`, alone or in an AND. */
function notNullColumns(expression: Node | undefined): string[] {
  const test = nodeAs(expression, 'NullTest');
  if (test !== undefined) {
    const fields = stringsOf(nodeAs(test.arg, 'ColumnRef')?.fields);
    return test.nulltesttype === 'IS_NOT_NULL' && fields.length === 1 ? fields : [];
  }
  const both = nodeAs(expression, 'BoolExpr');
  return both?.boolop === 'AND_EXPR' ? (both.args ?? []).flatMap(notNullColumns) : [];
}

function constraintsOf(nodes: readonly Node[] | undefined): Constraint[] {
  return (nodes ?? []).flatMap((node) => {
    const constraint = nodeAs(node, 'Constraint');
    return constraint === undefined ? [] : [constraint];
  });
}
