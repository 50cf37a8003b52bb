/**
 * The SQLite statement linter's facts as its statement cache keeps them (core's
 * `StatementFactCache`): what node-sql-parser's grammars read of a statement, kept as
 * JSON and rebuilt field by field when a later run reads it back, so that a statement
 * already parsed is not parsed again. Statements read from their keywords alone
 * (`BEGIN`, `PRAGMA`…) cost less to read than to look up, and are not cached.
 *
 * @packageDocumentation
 */

import type { QualifiedName, StatementFactReader } from '@cloudguard/migrate-core/adapter';
import { NODE_SQL_PARSER_VERSION } from '@cloudguard/migrate-adapter-kit/sql-reading';

import { SQLITE_FACTS_VERSION, type ColumnFacts, type RowCopy, type StatementFact, type TransactionAction } from './sqlite-statement-fact-types.js';

/** The facts of one statement, as the cache keeps them: the version of their shape and node-sql-parser's are in every key. */
export const SQLITE_FACT_READER: StatementFactReader<readonly StatementFact[]> = {
  dialect: 'sqlite',
  version: `${SQLITE_FACTS_VERSION} node-sql-parser ${NODE_SQL_PARSER_VERSION}`,
  restore: restoreFacts,
};

/**
 * The facts a JSON value read back from the cache stands for, each rebuilt with exactly
 * the fields its kind has (a field `JSON.stringify` left out for being `undefined` is
 * `undefined` again), or `undefined` when the value is not facts of this shape.
 */
export function restoreFacts(value: unknown): readonly StatementFact[] | undefined {
  if (!Array.isArray(value)) return undefined;
  try {
    return value.map((fact) => {
      const fields = record(fact);
      const kind = fields['kind'];
      if (typeof kind !== 'string' || !Object.hasOwn(RESTORERS, kind)) notFacts();
      return (RESTORERS[kind as StatementFact['kind']] as (fields: Fields) => StatementFact)(fields);
    });
  } catch (error) {
    if (error === NOT_FACTS) return undefined;
    throw error;
  }
}

type Fields = Readonly<Record<string, unknown>>;

/** The fact of kind `K` (`update` and `delete` share one). */
type FactOfKind<K extends StatementFact['kind']> = StatementFact extends infer Fact ? (Fact extends { readonly kind: infer Kinds } ? (K extends Kinds ? Fact : never) : never) : never;

/** One restorer per kind: a kind added to `StatementFact`, or a field added to one, fails the build here. */
const RESTORERS: { readonly [K in StatementFact['kind']]: (fields: Fields) => FactOfKind<K> } = {
  createTable: (f) => ({ kind: 'createTable', table: table(f['table']), columns: optional(f['columns'], (columns) => list(columns, column)) }),
  dropTable: (f) => ({ kind: 'dropTable', table: table(f['table']) }),
  renameTable: (f) => ({ kind: 'renameTable', table: table(f['table']), newName: string(f['newName']) }),
  addColumn: (f) => ({ kind: 'addColumn', table: table(f['table']), column: column(f['column']) }),
  dropColumn: (f) => ({ kind: 'dropColumn', table: table(f['table']), column: string(f['column']) }),
  renameColumn: (f) => ({ kind: 'renameColumn', table: table(f['table']), column: string(f['column']), newName: string(f['newName']) }),
  alterTable: (f) => ({ kind: 'alterTable', table: table(f['table']) }),
  createIndex: (f) => ({ kind: 'createIndex', table: table(f['table']), index: string(f['index']) }),
  dropIndex: (f) => ({ kind: 'dropIndex', index: string(f['index']), schema: optional(f['schema'], string) }),
  schemaObject: (f) => ({ kind: 'schemaObject', table: optional(f['table'], table) }),
  insert: (f) => ({
    kind: 'insert',
    table: table(f['table']),
    columns: optional(f['columns'], (columns) => list(columns, string)),
    copy: optional(f['copy'], rowCopy),
  }),
  update: (f) => ({ kind: 'update', table: table(f['table']), everyRow: boolean(f['everyRow']) }),
  delete: (f) => ({ kind: 'delete', table: table(f['table']), everyRow: boolean(f['everyRow']) }),
  transactionControl: (f) => ({
    kind: 'transactionControl',
    action: oneOf(f['action'], TRANSACTION_ACTIONS),
    keywords: string(f['keywords']),
    savepoint: optional(f['savepoint'], string),
  }),
  pragma: (f) => ({ kind: 'pragma', name: string(f['name']), value: optional(f['value'], string) }),
  other: () => ({ kind: 'other' }),
  unparseable: (f) => ({ kind: 'unparseable', reason: string(f['reason']), offset: optional(f['offset'], number) }),
};

const TRANSACTION_ACTIONS: readonly TransactionAction[] = ['begin', 'commit', 'rollback', 'savepoint', 'release', 'rollbackTo'];

/** Thrown (and caught by {@link restoreFacts}) where a value is not of the shape asked for. */
const NOT_FACTS = Symbol('not statement facts');

function notFacts(): never {
  throw NOT_FACTS;
}

function record(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : notFacts();
}

function string(value: unknown): string {
  return typeof value === 'string' ? value : notFacts();
}

function number(value: unknown): number {
  return typeof value === 'number' ? value : notFacts();
}

function boolean(value: unknown): boolean {
  return typeof value === 'boolean' ? value : notFacts();
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T {
  return allowed.includes(value as T) ? (value as T) : notFacts();
}

function list<T>(value: unknown, item: (value: unknown) => T): T[] {
  return Array.isArray(value) ? value.map((element) => item(element)) : notFacts();
}

/** A field that may be `undefined` (absent from the JSON). */
function optional<T>(value: unknown, restore: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : restore(value);
}

/** `{ name }` or `{ name, schema }`, as the fact reader writes a table's name. */
function table(value: unknown): QualifiedName {
  const fields = record(value);
  const name = string(fields['name']);
  const schema = optional(fields['schema'], string);
  return schema === undefined ? { name } : { name, schema };
}

function column(value: unknown): ColumnFacts {
  const fields = record(value);
  return { name: string(fields['name']), required: boolean(fields['required']) };
}

function rowCopy(value: unknown): RowCopy {
  const fields = record(value);
  // A selected value that is not a plain column is `undefined`, which JSON writes as null inside an array.
  return { from: list(fields['from'], table), sources: list(fields['sources'], (source) => (source === null ? undefined : string(source))) };
}
