/**
 * The statement linter's facts of a statement from node-sql-parser's AST, of its SQLite
 * grammar or of its PostgreSQL one (whose names come as `{ expr: { value } }`).
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';
import { nameOf, optionalName } from '@cloudguard/migrate-adapter-kit/sql-reading';

import type { ColumnFacts, RowCopy, StatementFact } from './sqlite-statement-fact-types.js';

/** A node of node-sql-parser's AST, loosely: its shape varies with the grammar. */
type AstNode = { readonly [key: string]: unknown };

/**
 * The facts of one parsed statement.
 *
 * @throws {Error} for a tree of a shape this mapping does not know (a name it cannot find).
 */
export function factsOfAst(statement: AstNode): StatementFact[] {
  switch (statement['type']) {
    case 'create':
      return factsOfCreate(statement);
    case 'alter':
      return factsOfAlter(statement);
    case 'drop':
      return factsOfDrop(statement);
    case 'insert':
    case 'replace':
      return [factOfInsert(statement)];
    case 'update':
      return [{ kind: 'update', table: firstTable(statement['table']), everyRow: touchesEveryRow(statement) }];
    case 'delete':
      return [{ kind: 'delete', table: firstTable(statement['from'] ?? statement['table']), everyRow: touchesEveryRow(statement) }];
    default:
      return [{ kind: 'other' }];
  }
}

function factsOfCreate(statement: AstNode): StatementFact[] {
  switch (statement['keyword']) {
    case 'table': {
      const table = firstTable(statement['table']);
      const definitions = statement['create_definitions'] as AstNode[] | null | undefined;
      const temporary = statement['temporary'] !== null && statement['temporary'] !== undefined && table.schema === undefined;
      return [
        {
          kind: 'createTable',
          table: temporary ? { name: table.name, schema: 'temp' } : table,
          // CREATE TABLE … AS SELECT has no definitions: its columns are the query's.
          columns: definitions ? definitions.filter((definition) => definition['resource'] === 'column').map(columnFacts) : undefined,
        },
      ];
    }
    case 'index': {
      const index = statement['index'];
      const name = typeof index === 'object' && index !== null ? nameOf((index as AstNode)['name']) : nameOf(index);
      return [{ kind: 'createIndex', table: tableName(statement['table'] as AstNode), index: name }];
    }
    case 'trigger':
      return [{ kind: 'schemaObject', table: tableName(statement['table'] as AstNode) }];
    default:
      return [{ kind: 'schemaObject', table: undefined }];
  }
}

function factsOfAlter(statement: AstNode): StatementFact[] {
  const table = firstTable(statement['table']);
  return ((statement['expr'] as AstNode[] | null) ?? []).map((expr): StatementFact => {
    const action = expr['action'];
    if (expr['resource'] === 'column') {
      if (action === 'add') return { kind: 'addColumn', table, column: columnFacts(expr) };
      if (action === 'drop') return { kind: 'dropColumn', table, column: nameOf(expr['column']) };
      if (action === 'rename') return { kind: 'renameColumn', table, column: nameOf(expr['old_column']), newName: nameOf(expr['column']) };
    }
    if (expr['resource'] === 'table' && action === 'rename') return { kind: 'renameTable', table, newName: nameOf(expr['table']) };
    return { kind: 'alterTable', table };
  });
}

function factsOfDrop(statement: AstNode): StatementFact[] {
  switch (statement['keyword']) {
    case 'table':
      return (statement['name'] as AstNode[]).map((table) => ({ kind: 'dropTable', table: tableName(table) }));
    case 'index': {
      // The PostgreSQL grammar reads `DROP INDEX main.ix` as a column reference: its `table` is the schema.
      const index = statement['name'] as AstNode;
      if (index['type'] === 'column_ref') return [{ kind: 'dropIndex', index: nameOf(index['column']), schema: optionalName(index['table']) }];
      return [{ kind: 'dropIndex', index: nameOf(index), schema: undefined }];
    }
    default:
      return [{ kind: 'schemaObject', table: undefined }];
  }
}

function factOfInsert(statement: AstNode): StatementFact {
  const columns = statement['columns'] as unknown[] | null | undefined;
  const values = statement['values'] as AstNode | null | undefined;
  return {
    kind: 'insert',
    table: firstTable(statement['table']),
    columns: columns ? columns.map(nameOf) : undefined,
    copy: values?.['type'] === 'select' ? rowCopy(values) : undefined,
  };
}

/** What an `INSERT … SELECT` copies: only a select from tables is a copy of rows. */
function rowCopy(select: AstNode): RowCopy | undefined {
  const from = ((select['from'] as AstNode[] | null | undefined) ?? []).filter((source) => typeof source['table'] === 'string' || isNameNode(source['table']));
  if (from.length === 0) return undefined;
  const columns = (select['columns'] as AstNode[] | string | null | undefined) ?? [];
  return {
    from: from.map(tableName),
    sources: columns === '*' ? ['*'] : (columns as AstNode[]).map((column) => plainColumn(column['expr'] as AstNode | undefined)),
  };
}

/** The column a selected expression is when it is one, as written; undefined for any other expression. */
function plainColumn(expr: AstNode | undefined): string | undefined {
  if (expr?.['type'] !== 'column_ref') return undefined;
  try {
    return nameOf(expr['column']);
  } catch {
    return undefined;
  }
}

/** A column definition (of CREATE TABLE or ADD COLUMN) as the rules see it. */
function columnFacts(definition: AstNode): ColumnFacts {
  const name = nameOf((definition['column'] as AstNode | undefined)?.['column'] ?? definition['column']);
  const notNull = (definition['nullable'] as AstNode | null | undefined)?.['type'] === 'not null';
  const fallback = (definition['default_val'] as AstNode | null | undefined)?.['value'] as AstNode | undefined;
  const hasDefault = fallback !== undefined && fallback !== null && fallback['type'] !== 'null';
  const generated = definition['generated'] !== undefined && definition['generated'] !== null;
  const dataType = String((definition['definition'] as AstNode | null | undefined)?.['dataType'] ?? '').toUpperCase();
  // An INTEGER PRIMARY KEY is the rowid, which SQLite assigns when an insert leaves it out.
  const rowid = dataType === 'INTEGER' && definition['primary_key'] !== undefined && definition['primary_key'] !== null;
  const autoincrement = definition['auto_increment'] !== undefined && definition['auto_increment'] !== null;
  return { name, required: notNull && !hasDefault && !generated && !rowid && !autoincrement };
}

/** No WHERE (or a WHERE that is always true: `1`, `true`, `1 = 1`) and no LIMIT. */
function touchesEveryRow(statement: AstNode): boolean {
  const limit = statement['limit'] as AstNode | null | undefined;
  const limited = limit !== null && limit !== undefined && ((limit['value'] as unknown[] | undefined)?.length ?? 1) > 0;
  return !limited && isAlwaysTrue(statement['where'] as AstNode | null | undefined);
}

function isAlwaysTrue(where: AstNode | null | undefined): boolean {
  if (where === null || where === undefined) return true;
  if (where['type'] === 'bool') return where['value'] === true;
  if (where['type'] === 'number') return Number(where['value']) !== 0;
  if (where['type'] === 'binary_expr' && (where['operator'] === '=' || where['operator'] === '==')) {
    const left = where['left'] as AstNode;
    const right = where['right'] as AstNode;
    return left['type'] === 'number' && right['type'] === 'number' && left['value'] === right['value'];
  }
  return false;
}

function firstTable(value: unknown): QualifiedName {
  const table = Array.isArray(value) ? (value[0] as AstNode | undefined) : (value as AstNode | undefined);
  if (table === undefined || table === null) throw new Error('the statement names no table');
  return tableName(table);
}

function tableName(node: AstNode): QualifiedName {
  const schema = optionalName(node['db'] ?? node['schema']);
  return schema === undefined ? { name: nameOf(node['table']) } : { name: nameOf(node['table']), schema };
}

/** Whether a value is a name the grammars give. */
function isNameNode(value: unknown): boolean {
  try {
    nameOf(value);
    return true;
  } catch {
    return false;
  }
}
