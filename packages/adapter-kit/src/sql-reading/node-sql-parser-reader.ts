import type { IdentifierRules, QualifiedName, StatementReader, TouchAction, TouchedObject } from '@cloudguard/migrate-core/adapter';
import { loadNodeSqlParser, type NodeSqlGrammar } from './node-sql-parser-grammar.js';
import { statementReaderFrom, UnknownStatementError } from './statement-reader.js';

export type { NodeSqlGrammar } from './node-sql-parser-grammar.js';

/** What {@link nodeSqlStatementReader} needs of a dialect. */
export interface NodeSqlReaderSpec {
  /**
   * The grammars to read with, in order: a statement goes to the next when one cannot
   * parse it (node-sql-parser's SQLite grammar has no `DROP INDEX`, its MariaDB grammar no
   * `ADD CONSTRAINT … FOREIGN KEY`). A statement none can parse is unreadable, with the
   * first grammar's message.
   */
  readonly grammars: readonly [NodeSqlGrammar, ...NodeSqlGrammar[]];
  readonly identifiers: IdentifierRules;
}

/**
 * A {@link StatementReader} over node-sql-parser's dialect grammars, for SQLite and
 * MySQL/MariaDB adapters: each statement is parsed into node-sql-parser's AST and mapped
 * to what it touches. Loads only the grammars named.
 *
 * ### Examples
 * ```ts
 * statementReader: () => nodeSqlStatementReader({ grammars: ['sqlite', 'postgresql'], identifiers: { caseInsensitive: true, defaultSchema: 'main' } }),
 * ```
 */
export async function nodeSqlStatementReader(spec: NodeSqlReaderSpec): Promise<StatementReader> {
  const parsers = await Promise.all(spec.grammars.map(loadNodeSqlParser));
  return statementReaderFrom(spec.identifiers, (sql) => {
    let firstError: unknown;
    for (const parser of parsers) {
      let ast: unknown;
      try {
        ast = parser.astify(sql);
      } catch (error) {
        firstError ??= error;
        continue;
      }
      return (Array.isArray(ast) ? ast : [ast]).flatMap((statement) => touchesOfNodeSqlAst(statement as AstNode));
    }
    throw firstError;
  });
}

/** A node of node-sql-parser's AST, loosely: its shape varies with the grammar. */
type AstNode = { readonly [key: string]: unknown };

/** Statement types that touch no table. */
const TOUCHING_NOTHING: ReadonlySet<string> = new Set(['select', 'show', 'set', 'use', 'transaction', 'explain', 'desc', 'lock', 'unlock']);

/**
 * What one statement of node-sql-parser's AST touches: DDL on tables, columns, indexes
 * and constraints, and data statements on their table (and the columns they write).
 *
 * @throws {UnknownStatementError} for a statement whose effect it does not know.
 */
export function touchesOfNodeSqlAst(statement: AstNode): TouchedObject[] {
  const type = String(statement['type']);
  switch (type) {
    case 'create':
      return touchesOfCreate(statement);
    case 'alter':
      return touchesOfAlter(statement);
    case 'drop':
      return touchesOfDrop(statement);
    case 'rename':
      return (statement['table'] as AstNode[][]).flat().map((table) => ({ table: tableName(table), action: 'rename' as const }));
    case 'insert':
    case 'replace':
      return dataTouches(firstTable(statement['table']), 'insert', (statement['columns'] as unknown[] | null) ?? []);
    case 'update':
      return dataTouches(
        firstTable(statement['table']),
        'update',
        ((statement['set'] as AstNode[] | null) ?? []).map((set) => set['column']),
      );
    case 'delete':
      return dataTouches(firstTable(statement['from'] ?? statement['table']), 'delete', []);
    default:
      if (TOUCHING_NOTHING.has(type)) return [];
      throw new UnknownStatementError(`a ${type.toUpperCase()} statement`);
  }
}

function touchesOfCreate(statement: AstNode): TouchedObject[] {
  const keyword = String(statement['keyword']);
  switch (keyword) {
    case 'table':
      return [{ table: firstTable(statement['table']), action: 'create' }];
    case 'view': {
      const view = statement['view'] as AstNode;
      return [{ table: { name: nameOf(view['view']), schema: optionalName(view['db']) }, action: 'create' }];
    }
    case 'index': {
      const index = statement['index'];
      const table = tableName(statement['table'] as AstNode);
      const name = typeof index === 'object' && index !== null ? nameOf((index as AstNode)['name']) : nameOf(index);
      return [{ table, part: { kind: 'index', name }, action: 'create' }];
    }
    case 'trigger':
      // A trigger changes what writes to its table do: the table as a whole.
      return [{ table: tableName(statement['table'] as AstNode), action: 'alter' }];
    default:
      throw new UnknownStatementError(`a CREATE ${keyword.toUpperCase()} statement`);
  }
}

function touchesOfDrop(statement: AstNode): TouchedObject[] {
  const keyword = String(statement['keyword']);
  switch (keyword) {
    case 'table':
    case 'view':
      return (statement['name'] as AstNode[]).map((table) => ({ table: tableName(table), action: 'drop' as const }));
    case 'index': {
      const index = statement['name'] as AstNode;
      const onTable = statement['table'] as AstNode | null | undefined;
      // The PostgreSQL grammar reads `DROP INDEX app.ix` as a column reference: its `table` is the schema.
      const schema = index['type'] === 'column_ref' ? optionalName(index['table']) : undefined;
      const name = index['type'] === 'column_ref' ? nameOf(index['column']) : nameOf(index);
      return [{ table: onTable ? tableName(onTable) : undefined, part: { kind: 'index', name, schema: onTable ? undefined : schema }, action: 'drop' }];
    }
    default:
      throw new UnknownStatementError(`a DROP ${keyword.toUpperCase()} statement`);
  }
}

function touchesOfAlter(statement: AstNode): TouchedObject[] {
  const table = firstTable(statement['table']);
  const column = (name: unknown, action: TouchAction): TouchedObject => ({ table, part: { kind: 'column', name: nameOf(name) }, action });
  const touches: TouchedObject[] = [];
  for (const expr of (statement['expr'] as AstNode[] | null) ?? []) {
    const action = String(expr['action']);
    switch (expr['resource']) {
      case 'column':
        if (action === 'add') touches.push(column(expr['column'], 'create'));
        else if (action === 'drop') touches.push(column(expr['column'], 'drop'));
        else if (action === 'rename' || (action === 'change' && expr['old_column'] !== undefined)) {
          touches.push(column(expr['old_column'], 'rename'), column(expr['column'], 'rename'));
        } else touches.push(column(expr['column'], 'alter'));
        break;
      case 'table':
        if (action === 'rename') {
          touches.push({ table, action: 'rename' }, { table: { name: nameOf(expr['table']), schema: table.schema }, action: 'rename' });
        } else touches.push({ table, action: 'alter' });
        break;
      case 'index':
        touches.push({ table, part: { kind: 'index', name: nameOf(expr['index']) }, action: action === 'drop' ? 'drop' : action === 'add' ? 'create' : 'alter' });
        break;
      case 'constraint':
      case 'key': {
        const definition = (expr['create_definitions'] as AstNode | undefined) ?? {};
        const name = expr['constraint'] ?? expr['key'] ?? definition['constraint'] ?? definition['index'];
        if (name === null || name === undefined) {
          // An unnamed constraint: the database names it, so only the table is known.
          touches.push({ table, action: 'alter' });
        } else {
          touches.push({ table, part: { kind: 'constraint', name: nameOf(name) }, action: action === 'drop' ? 'drop' : 'create' });
        }
        break;
      }
      default:
        // What this reader does not take apart changes the table as a whole, as far as it can tell.
        touches.push({ table, action: 'alter' });
    }
  }
  return touches;
}

function dataTouches(table: QualifiedName, action: 'insert' | 'update' | 'delete', columns: readonly unknown[]): TouchedObject[] {
  return [{ table, action }, ...columns.map((column) => ({ table, part: { kind: 'column' as const, name: nameOf(column) }, action }))];
}

function firstTable(value: unknown): QualifiedName {
  const table = Array.isArray(value) ? (value[0] as AstNode | undefined) : (value as AstNode | undefined);
  if (table === undefined || table === null) throw new UnknownStatementError('a statement without a table');
  return tableName(table);
}

function tableName(node: AstNode): QualifiedName {
  return { name: nameOf(node['table']), schema: optionalName(node['db'] ?? node['schema']) };
}

/** A name the grammars give, or undefined when there is none (null, undefined, ''). */
export function optionalName(value: unknown): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : nameOf(value);
}

/**
 * A name as node-sql-parser's grammars give it: a string, or (PostgreSQL's)
 * `{ expr: { value } }`, or a column reference.
 *
 * @throws {UnknownStatementError} for anything else.
 */
export function nameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const node = value as AstNode;
    if (typeof node['value'] === 'string') return node['value'];
    if (node['expr'] !== undefined) return nameOf(node['expr']);
    if (node['column'] !== undefined) return nameOf(node['column']);
  }
  throw new UnknownStatementError(`a name written as ${JSON.stringify(value)}`);
}
