/**
 * What a PostgreSQL statement touches, read with PostgreSQL's own parser (libpg-query,
 * the server's grammar compiled to WebAssembly): tables, columns, indexes and
 * constraints, for `check`'s branch-conflict detection. The parser folds unquoted names
 * to lower case and keeps quoted ones, as the server does.
 *
 * @packageDocumentation
 */

import type { QualifiedName, StatementReader, TouchAction, TouchedObject } from '@cloudguard/migrate-core/adapter';
import { statementReaderFrom, UnknownStatementError } from '@cloudguard/migrate-adapter-kit/sql-reading';

/** A node of libpg-query's JSON parse tree. */
type PgNode = { readonly [key: string]: unknown };

/**
 * Statements about objects other than tables (types, sequences, functions, schemas,
 * roles, extensions) or about nothing stored (transactions, settings, reads): they
 * touch no table, column, index or constraint.
 */
const TOUCHING_NO_TABLE: ReadonlySet<string> = new Set([
  'SelectStmt',
  'VariableSetStmt',
  'VariableShowStmt',
  'TransactionStmt',
  'ExplainStmt',
  'VacuumStmt',
  'LockStmt',
  'NotifyStmt',
  'CreateExtensionStmt',
  'AlterExtensionStmt',
  'CreateEnumStmt',
  'AlterEnumStmt',
  'CompositeTypeStmt',
  'CreateDomainStmt',
  'CreateSeqStmt',
  'AlterSeqStmt',
  'CreateFunctionStmt',
  'CreateSchemaStmt',
  'GrantStmt',
  'GrantRoleStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
]);

/** Column-level subcommands of `ALTER TABLE`: `name` is the column. */
const COLUMN_SUBCOMMANDS: ReadonlySet<string> = new Set([
  'AT_AlterColumnType',
  'AT_ColumnDefault',
  'AT_CookedColumnDefault',
  'AT_SetNotNull',
  'AT_DropNotNull',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_AddIdentity',
  'AT_SetIdentity',
  'AT_DropIdentity',
  'AT_SetExpression',
  'AT_DropExpression',
  'AT_AlterColumnGenericOptions',
]);

/**
 * The PostgreSQL adapter's statement reader. libpg-query loads (about 20 ms) when the
 * reader is made, which core does only when a revision on a compared branch runs raw SQL
 * or names tables (never for an ordinary `check` on one head).
 *
 * ### Examples
 * ```ts
 * const reader = await postgresStatementReader();
 * reader.read('ALTER TABLE scans ADD COLUMN note text');
 * // { readable: true, touches: [{ table: { name: 'scans' }, part: { kind: 'column', name: 'note' }, action: 'create' }] }
 * ```
 */
export async function postgresStatementReader(): Promise<StatementReader> {
  const { loadModule, parseSync } = await import('libpg-query');
  await loadModule();
  return statementReaderFrom({ caseInsensitive: false, defaultSchema: 'public' }, (sql) => {
    const tree = parseSync(sql) as { stmts?: readonly { stmt: PgNode }[] };
    return (tree.stmts ?? []).flatMap(({ stmt }) => touchesOfPgStatement(stmt));
  });
}

/**
 * What one statement of libpg-query's parse tree touches.
 *
 * @throws {UnknownStatementError} for a statement whose effect this mapping does not know (a `DO` block, say).
 */
export function touchesOfPgStatement(statement: PgNode): TouchedObject[] {
  const [type, node] = Object.entries(statement)[0] as [string, PgNode];
  switch (type) {
    case 'CreateStmt':
      return [{ table: relation(node['relation']), action: 'create' }];
    case 'ViewStmt':
      return [{ table: relation(node['view']), action: 'create' }];
    case 'CreateTableAsStmt':
      return [{ table: relation((node['into'] as PgNode)['rel']), action: 'create' }];
    case 'AlterTableStmt':
      return touchesOfAlterTable(node);
    case 'RenameStmt':
      return touchesOfRename(node);
    case 'IndexStmt': {
      const table = relation(node['relation']);
      // An index without a name gets one from the server: only its table is known.
      if (typeof node['idxname'] !== 'string') return [{ table, action: 'alter' }];
      return [{ table, part: { kind: 'index', name: node['idxname'] }, action: 'create' }];
    }
    case 'DropStmt':
      return touchesOfDrop(node);
    case 'CreateTrigStmt':
    case 'CreatePolicyStmt':
    case 'RuleStmt':
      // They change what reads or writes of the table do: the table as a whole.
      return [{ table: relation(node['relation'] ?? node['table']), action: 'alter' }];
    case 'InsertStmt':
      return dataTouches(relation(node['relation']), 'insert', node['cols']);
    case 'UpdateStmt':
      return dataTouches(relation(node['relation']), 'update', node['targetList']);
    case 'DeleteStmt':
      return dataTouches(relation(node['relation']), 'delete', undefined);
    case 'TruncateStmt':
      return list(node['relations']).map((item) => ({ table: relation((item as PgNode)['RangeVar'] ?? item), action: 'delete' as const }));
    case 'CommentStmt': {
      if (node['objtype'] !== 'OBJECT_COLUMN') return [];
      const names = nameList(node['object']);
      const column = names.pop()!;
      return [{ table: qualified(names), part: { kind: 'column', name: column }, action: 'alter' }];
    }
    default:
      if (TOUCHING_NO_TABLE.has(type)) return [];
      throw new UnknownStatementError(`a ${type.replace(/Stmt$/, '')} statement`);
  }
}

function touchesOfAlterTable(node: PgNode): TouchedObject[] {
  const target = relation(node['relation']);
  if (node['objtype'] === 'OBJECT_INDEX') return [{ part: { kind: 'index', name: target.name, schema: target.schema }, action: 'alter' }];
  const column = (name: unknown, action: TouchAction): TouchedObject => ({ table: target, part: { kind: 'column', name: String(name) }, action });
  const constraint = (name: unknown, action: TouchAction): TouchedObject => ({ table: target, part: { kind: 'constraint', name: String(name) }, action });
  return list(node['cmds']).map((item) => {
    const command = (item as PgNode)['AlterTableCmd'] as PgNode;
    const subtype = String(command['subtype']);
    if (subtype === 'AT_AddColumn') return column(((command['def'] as PgNode)['ColumnDef'] as PgNode)['colname'], 'create');
    if (subtype === 'AT_DropColumn') return column(command['name'], 'drop');
    if (COLUMN_SUBCOMMANDS.has(subtype)) return column(command['name'], 'alter');
    if (subtype === 'AT_AddConstraint') {
      const name = ((command['def'] as PgNode)['Constraint'] as PgNode)['conname'];
      // A constraint without a name is named by the server: only its table is known.
      return name === undefined ? { table: target, action: 'alter' } : constraint(name, 'create');
    }
    if (subtype === 'AT_DropConstraint') return constraint(command['name'], 'drop');
    if (subtype === 'AT_AlterConstraint' || subtype === 'AT_ValidateConstraint') {
      const name = command['name'] ?? ((command['def'] as PgNode | undefined)?.['ATAlterConstraint'] as PgNode | undefined)?.['conname'];
      return name === undefined ? { table: target, action: 'alter' } : constraint(name, 'alter');
    }
    // Anything else (owner, storage parameters, triggers on or off, …) is about the table as a whole.
    return { table: target, action: 'alter' };
  });
}

function touchesOfRename(node: PgNode): TouchedObject[] {
  const target = relation(node['relation']);
  const newName = String(node['newname']);
  switch (node['renameType']) {
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      return [
        { table: target, action: 'rename' },
        { table: { name: newName, schema: target.schema }, action: 'rename' },
      ];
    case 'OBJECT_COLUMN':
      return [String(node['subname']), newName].map((name) => ({ table: target, part: { kind: 'column' as const, name }, action: 'rename' as const }));
    case 'OBJECT_TABCONSTRAINT':
      return [String(node['subname']), newName].map((name) => ({ table: target, part: { kind: 'constraint' as const, name }, action: 'rename' as const }));
    case 'OBJECT_INDEX':
      return [target.name, newName].map((name) => ({ part: { kind: 'index' as const, name, schema: target.schema }, action: 'rename' as const }));
    default:
      return [];
  }
}

function touchesOfDrop(node: PgNode): TouchedObject[] {
  const objects = list(node['objects']).map((item) => nameList(item));
  switch (node['removeType']) {
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_FOREIGN_TABLE':
      return objects.map((names) => ({ table: qualified(names), action: 'drop' as const }));
    case 'OBJECT_INDEX':
      return objects.map((names) => {
        const index = qualified(names);
        return { part: { kind: 'index' as const, name: index.name, schema: index.schema }, action: 'drop' as const };
      });
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE':
      // `DROP TRIGGER tr ON t`: the table is all but the last name.
      return objects.map((names) => ({ table: qualified(names.slice(0, -1)), action: 'alter' as const }));
    default:
      return [];
  }
}

function dataTouches(table: QualifiedName, action: 'insert' | 'update' | 'delete', targets: unknown): TouchedObject[] {
  const columns = list(targets).map((item) => String(((item as PgNode)['ResTarget'] as PgNode)['name']));
  return [{ table, action }, ...columns.map((name) => ({ table, part: { kind: 'column' as const, name }, action }))];
}

function relation(value: unknown): QualifiedName {
  const node = value as PgNode | undefined;
  if (node === undefined || typeof node['relname'] !== 'string') throw new UnknownStatementError('a statement without a table');
  return { name: node['relname'], schema: typeof node['schemaname'] === 'string' ? node['schemaname'] : undefined };
}

/** `[schema, name]` or `[name]` as a qualified name (a database name in front, if any, is dropped). */
function qualified(names: readonly string[]): QualifiedName {
  if (names.length === 0) throw new UnknownStatementError('a statement without a name');
  const name = names[names.length - 1]!;
  return names.length >= 2 ? { name, schema: names[names.length - 2] } : { name };
}

/** The names of a `List` of `String` nodes (`app.scans` → `['app', 'scans']`). */
function nameList(value: unknown): string[] {
  const node = value as PgNode;
  const items = node['List'] !== undefined ? (node['List'] as PgNode)['items'] : (node['items'] ?? [value]);
  return list(items).map((item) => String(((item as PgNode)['String'] as PgNode | undefined)?.['sval'] ?? ''));
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
