/**
 * The adapter's side of schema operations: a compiler that turns one recorded
 * {@link SchemaOperation} into the statements of its dialect. Core calls it online,
 * just before the statements run, and offline (`--sql`), where the statements are
 * written into the script.
 *
 * @packageDocumentation
 */

import type { QualifiedName, SchemaOperation, TableDescription } from '../operations/schema-operation.js';
import type { Row } from '../migration.js';
import type { SchemaCheckQuery } from './schema-change.js';

/** What a compiler may ask of the place the operation runs. */
export interface OperationCompileContext {
  /** The dialect compiled for, as `op.dialect` reports it. */
  readonly dialect: string;
  /** True while rendering SQL offline: {@link query} is absent, and tables come from the schema model. */
  readonly offline: boolean;
  /**
   * Whether the statements will run inside a transaction block (false in a
   * `transactional: false` migration). PostgreSQL's `CONCURRENTLY` needs false.
   */
  readonly inTransaction: boolean;
  /**
   * The table as it is before this operation: read from the database online, from the
   * operations of the revisions before this one offline. `undefined` when the table does
   * not exist, or offline when no operation made it (created by raw SQL).
   */
  describeTable(table: QualifiedName): Promise<TableDescription | undefined>;
  /** Runs a read-only query on the migration's connection. Online only. */
  readonly query?: (<T extends Row = Row>(sql: string, params?: readonly unknown[]) => Promise<T[]>) | undefined;
}

/**
 * One operation, compiled: the statements, in order, and the checks around them. A
 * check is a query that must return no rows; a row fails the migration (rolling it
 * back) with the check's `failure` and the rows, so that a rebuild whose copy would
 * break a new constraint fails before anything changes.
 */
export interface CompiledOperation {
  readonly statements: readonly string[];
  /** Run before the statements (`when: 'before'`) or after them (the default). */
  readonly checks?: readonly SchemaCheckQuery[] | undefined;
}

/**
 * Compiles schema operations for one dialect. Built-in adapters compile through
 * MikroORM's platform and schema helper (`@cloudguard/migrate-adapter-kit`); a third
 * party implements this to support `op.createTable` and the rest.
 *
 * Throw {@link OperationNotSupportedError} for an operation or option the dialect
 * cannot honour, before returning any statement.
 */
export interface SchemaOperationCompiler {
  compile(operation: SchemaOperation, context: OperationCompileContext): Promise<CompiledOperation>;
}
